/** Every node of a valid sample replaced by odd shapes: the cluster, Triggers and catalog rules must never throw. */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkFiles } from '../../test-helpers.js';

const SAMPLES: Record<string, string> = {
  eventListener: `apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: el, namespace: ci}
spec:
  serviceAccountName: sa
  triggers:
    - name: t
      bindings: [{ref: b}, {name: x, value: y}]
      template: {ref: tt}
      interceptors:
        - ref: {name: cel}
          params: [{name: filter, value: "true"}]
        - webhook:
            objectRef: {kind: Service, apiVersion: v1, name: hook}
            header: [{name: X-A, value: "1"}]
    - triggerRef: trig
  triggerGroups:
    - name: g
      interceptors: [{ref: {name: cel}}]
      triggerSelector: {namespaceSelector: {matchNames: [a]}}
  resources:
    kubernetesResource:
      replicas: 1
      spec: {template: {spec: {serviceAccountName: sa, containers: [{resources: {}}]}}}
`,
  trigger: `apiVersion: triggers.tekton.dev/v1beta1
kind: Trigger
metadata: {name: trig}
spec:
  serviceAccountName: sa
  bindings: [{ref: b, kind: ClusterTriggerBinding}]
  template:
    spec:
      params: [{name: p}]
      resourcetemplates: [{apiVersion: v1, kind: ConfigMap, data: {a: $(tt.params.p)}}]
`,
  binding: `apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata: {name: b}
spec:
  params: [{name: x, value: $(body.x)}, {name: y, value: "$(header.y)"}]
`,
  template: `apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata: {name: tt}
spec:
  params: [{name: x, default: "1"}, {name: y}]
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {generateName: r-}
      spec:
        pipelineRef: {name: p}
        params: [{name: a, value: $(tt.params.x)}]
        workspaces: [{name: w, emptyDir: {}}]
        taskRunTemplate: {serviceAccountName: sa}
        taskRunSpecs: [{pipelineTaskName: t, serviceAccountName: sa}]
`,
  pipeline: `apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p, labels: {app.kubernetes.io/version: "0.1"}, annotations: {tekton.dev/categories: Git, tekton.dev/platforms: linux/amd64, tekton.dev/tags: a, tekton.dev/pipelines.minVersion: "0.1"}}
spec:
  description: d
  params: [{name: a}, {name: b, default: x}]
  workspaces: [{name: w}, {name: o, optional: true}]
  tasks: [{name: t, taskRef: {name: x}}]
`,
  cronjob: `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "*/5 1-3 ? JAN-MAR MON"
  timeZone: Europe/Paris
  concurrencyPolicy: Forbid
  jobTemplate: {spec: {template: {spec: {serviceAccountName: sa, containers: [{name: c, image: i}]}}}}
`,
  roleBinding: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: sa, namespace: ci}, {kind: User, name: u, apiGroup: rbac.authorization.k8s.io}]
`,
};

const ODD: unknown[] = [null, 7, true, 'x', '$(', [], {}, [null], [7], { a: { b: [] } }];

/** Every path to a node of `v`. */
function paths(v: unknown, base: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [base];
  if (Array.isArray(v)) for (let i = 0; i < v.length; i++) out.push(...paths(v[i], [...base, i]));
  else if (v && typeof v === 'object') for (const [k, e] of Object.entries(v)) out.push(...paths(e, [...base, k]));
  return out;
}

function replaced(v: unknown, path: (string | number)[], by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((e, i) => (i === head ? replaced(e, rest, by) : e));
  const m = v as Record<string, unknown>;
  return { ...m, [head as string]: replaced(m[head as string], rest, by) };
}

describe('robustness of the cluster, Triggers and catalog rules', () => {
  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`never throws on mutations of a ${name}`, () => {
      const value = parse(text);
      const errors: string[] = [];
      for (const p of paths(value).slice(1)) {
        for (const odd of ODD) {
          const doc = stringify(replaced(value, p, odd));
          const files = { [`tasks/p/0.1/${name}.yaml`]: doc, 'clusters/c/roles.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: other}\n' };
          const f = checkFiles(files, { profiles: ['catalog'] });
          for (const x of f) if (x.code === 'INTERNAL_ERROR') errors.push(`${p.join('.')}=${JSON.stringify(odd)}: ${x.message}`);
        }
      }
      expect(errors.filter((e) => /rule (eventlistener|trigger|unresolved-trigger|cronjob|rbac|service-account|catalog)/.test(e))).toEqual([]);
    });
  }
});
