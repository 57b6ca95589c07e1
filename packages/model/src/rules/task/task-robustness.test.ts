import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RepoIndex } from '../../yaml/repo-index.js';
import type { DocContext } from '../../check/rule.js';
import { findingAt, loadYaml } from '../../yaml/source.js';
import { checkYaml } from '../../test-helpers.js';
import { isMap } from '../../yaml/values.js';
import { TASK_RULES } from './task-rules.js';

const TASK = `
apiVersion: tekton.dev/v1
kind: Task
metadata: {name: t}
spec:
  params:
    - {name: s, type: string, default: x, enum: [x, y]}
    - {name: a, type: array, default: [x]}
    - {name: o, properties: {k: {type: string}}, default: {k: v}}
  workspaces: [{name: src, mountPath: /src, optional: true}]
  volumes: [{name: v, emptyDir: {}}]
  results: [{name: r}, {name: sr, value: $(steps.one.results.x)}]
  stepTemplate: {image: registry.example.com/t:1, env: [{name: E, value: $(params.s)}]}
  steps:
    - name: one
      image: registry.example.com/tool:1.0
      args: ["$(params.a[*])", "$(params.o.k)"]
      env: [{name: T, valueFrom: {secretKeyRef: {name: s, key: k}}}]
      volumeMounts: [{name: v, mountPath: /v}]
      workspaces: [{name: src}]
      results: [{name: x}]
      when: [{input: $(params.s), operator: in, values: [x]}]
      script: |
        #!/bin/sh
        echo "$(workspaces.src.path)" > $(results.r.path) $(step.results.x.path)
    - name: two
      ref: {name: action}
      params: [{name: p, value: $(steps.one.results.x)}]
  sidecars: [{name: db, image: registry.example.com/db:1, script: "sleep 1"}]
`;

const STEP_ACTION = `
apiVersion: tekton.dev/v1beta1
kind: StepAction
metadata: {name: a}
spec:
  image: registry.example.com/tool:1.0
  params: [{name: p}, {name: v}]
  results: [{name: r}]
  env: [{name: P, value: $(params.p)}]
  volumeMounts: [{name: $(params.v), mountPath: /v}]
  script: |
    #!/bin/sh
    echo > $(step.results.r.path)
`;

const ODD: readonly unknown[] = [null, 0, true, 'x', '$(', '$(params.', [], {}, [null], [[1]], { name: 7 }];

/** Every path to a node of `v`. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) paths(v[i], [...prefix, i], out);
  }
  else if (isMap(v)) for (const [k, e] of Object.entries(v)) paths(e, [...prefix, k], out);
  return out;
}

function replaced(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(root);
  let cur = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  cur[path[path.length - 1] as string | number] = value;
  return copy;
}

describe('task rules robustness', () => {
  for (const [name, text] of [['Task', TASK], ['StepAction', STEP_ACTION]] as const) {
    it(`never fails on a ${name} with any node replaced by an odd value`, () => {
      // The rules run on mutated values against the original AST: positions fall back, nothing may throw.
      const root: unknown = parse(text);
      const src = loadYaml('t.yaml', text);
      const doc = src.docs[0]!;
      const index = new RepoIndex([src]);
      const crashes: string[] = [];
      let reports = 0;
      for (const p of paths(root)) {
        if (p[0] === 'kind' || p[0] === 'apiVersion' || p.length === 0) continue;
        for (const odd of ODD) {
          const value = replaced(root, p, odd) as Record<string, unknown>;
          const ctx: DocContext = {
            doc: { ...doc, value },
            value,
            index,
            profiles: new Set(),
            report: (code, path, message, o) => {
              findingAt(doc, path, code, 'error', message, o);
              reports++;
            },
            reportAt: () => {},
            enabled: () => true,
          };
          for (const rule of TASK_RULES) {
            if (rule.kinds && !rule.kinds.includes(name)) continue;
            try {
              rule.check(ctx);
            } catch (e) {
              crashes.push(`${p.join('.')} = ${JSON.stringify(odd)}: ${e instanceof Error ? e.message : String(e)}`);
            }
          }
        }
      }
      expect(crashes).toEqual([]);
      expect(reports).toBeGreaterThan(0);
    });
  }
  it('reports nothing on the valid StepAction and only expected codes on the rich Task', () => {
    expect(checkYaml(STEP_ACTION, { docRules: TASK_RULES, repoRules: [] })).toEqual([]);
    const codes = new Set(checkYaml(TASK, { docRules: TASK_RULES, repoRules: [] }).map((f) => f.code));
    expect([...codes].sort()).toEqual(['FEATURE_FLAG_REQUIRED', 'SCRIPT_MISSING_SHEBANG', 'SECRET_IN_ENV']);
  });
});
