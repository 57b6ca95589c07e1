import { describe, expect, it } from 'vitest';
import { checkYaml, only, yaml } from '../../test-helpers.js';
import { taskYaml } from '../task/task-test-helpers.js';

describe('task-missing-steps', () => {
  it('reports a spec without steps at the spec key', () => {
    expect(only(checkYaml(taskYaml`description: nothing to do`), 'TASK_MISSING_STEPS')).toEqual([{ code: 'TASK_MISSING_STEPS', severity: 'error', line: 5, column: 1 }]);
  });
  it('reports an empty steps list', () => {
    expect(only(checkYaml(taskYaml`steps: []`), 'TASK_MISSING_STEPS')).toEqual([{ code: 'TASK_MISSING_STEPS', severity: 'error', line: 6, column: 10 }]);
  });
  it('reports a Task without spec', () => {
    const f = checkYaml('apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\n');
    expect(only(f, 'TASK_MISSING_STEPS')).toEqual([{ code: 'TASK_MISSING_STEPS', severity: 'error', line: 1, column: 1 }]);
  });
  it('accepts one step', () => {
    expect(only(checkYaml(taskYaml`steps: [{image: registry.example.com/tool:1.0}]`), 'TASK_MISSING_STEPS')).toEqual([]);
  });
});

describe('step-missing-image', () => {
  it('reports a step and a sidecar without image at the item', () => {
    const f = checkYaml(taskYaml`
      steps:
        - name: a
          command: [make]
      sidecars:
        - name: db
    `);
    expect(only(f, 'STEP_MISSING_IMAGE')).toEqual([
      { code: 'STEP_MISSING_IMAGE', severity: 'error', line: 7, column: 7 },
      { code: 'STEP_MISSING_IMAGE', severity: 'error', line: 10, column: 7 },
    ]);
  });
  it('accepts an image from the stepTemplate, and a StepAction ref', () => {
    const f = checkYaml(taskYaml`
      stepTemplate:
        image: registry.example.com/tool:1.0
      steps:
        - name: a
          command: [make]
        - name: b
          ref: {name: git-clone}
    `);
    expect(only(f, 'STEP_MISSING_IMAGE')).toEqual([]);
  });
});

describe('step-script-with-command', () => {
  it('reports command next to script, at the command key', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          command: [bash]
          script: echo hi
      sidecars:
        - image: registry.example.com/tool:1.0
          script: "#!/bin/sh\\nsleep 1"
          command: [sh]
    `);
    expect(only(f, 'STEP_SCRIPT_WITH_COMMAND')).toEqual([
      { code: 'STEP_SCRIPT_WITH_COMMAND', severity: 'error', line: 8, column: 7 },
      { code: 'STEP_SCRIPT_WITH_COMMAND', severity: 'error', line: 13, column: 7 },
    ]);
  });
  it('accepts script with args', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          args: [x]
          script: "#!/bin/sh\\necho $1"
    `);
    expect(only(f, 'STEP_SCRIPT_WITH_COMMAND')).toEqual([]);
  });
});

describe('step-duplicate-name and step-invalid-name', () => {
  it('reports the second step of a name', () => {
    const f = checkYaml(taskYaml`
      steps:
        - name: build
          image: registry.example.com/tool:1.0
        - name: build
          image: registry.example.com/tool:1.0
    `);
    expect(only(f, 'STEP_DUPLICATE_NAME')).toEqual([{ code: 'STEP_DUPLICATE_NAME', severity: 'error', line: 9, column: 13 }]);
  });
  it('accepts the same name for a step and a sidecar', () => {
    const f = checkYaml(taskYaml`
      steps: [{name: build, image: registry.example.com/tool:1.0}]
      sidecars: [{name: build, image: registry.example.com/tool:1.0}]
    `);
    expect(only(f, 'STEP_DUPLICATE_NAME')).toEqual([]);
  });
  it('reports a name that is not a DNS label and a reserved sidecar name', () => {
    const f = checkYaml(taskYaml`
      steps:
        - name: Build_1
          image: registry.example.com/tool:1.0
      sidecars:
        - name: tekton-log-results
          image: registry.example.com/tool:1.0
    `);
    expect(only(f, 'STEP_INVALID_NAME')).toEqual([
      { code: 'STEP_INVALID_NAME', severity: 'error', line: 7, column: 13 },
      { code: 'STEP_INVALID_NAME', severity: 'error', line: 10, column: 13 },
    ]);
  });
  it('accepts DNS labels', () => {
    const f = checkYaml(taskYaml`steps: [{name: build-1, image: registry.example.com/tool:1.0}]`);
    expect(only(f, 'STEP_INVALID_NAME')).toEqual([]);
  });
});

describe('step-invalid-field', () => {
  it('reports a bad onError, a negative timeout and reserved mounts', () => {
    const f = checkYaml(taskYaml`
      volumes: [{name: v, emptyDir: {}}]
      steps:
        - image: registry.example.com/tool:1.0
          onError: ignore
          timeout: -5s
          volumeMounts:
            - name: v
              mountPath: /tekton/results
            - name: tekton-internal-x
              mountPath: /x
    `);
    expect(only(f, 'STEP_INVALID_FIELD')).toEqual([
      { code: 'STEP_INVALID_FIELD', severity: 'error', line: 9, column: 16 },
      { code: 'STEP_INVALID_FIELD', severity: 'error', line: 10, column: 16 },
      { code: 'STEP_INVALID_FIELD', severity: 'error', line: 13, column: 22 },
      { code: 'STEP_INVALID_FIELD', severity: 'error', line: 14, column: 17 },
    ]);
  });
  it('reports a stepTemplate that is not a map', () => {
    const f = checkYaml(taskYaml`
      stepTemplate: [image]
      steps: [{image: registry.example.com/tool:1.0}]
    `);
    expect(only(f, 'STEP_INVALID_FIELD')).toEqual([{ code: 'STEP_INVALID_FIELD', severity: 'error', line: 6, column: 17 }]);
  });
  it('reports step-only fields in the stepTemplate', () => {
    const f = checkYaml(taskYaml`
      stepTemplate:
        image: registry.example.com/tool:1.0
        script: echo hi
      steps: [{name: a}]
    `);
    expect(only(f, 'STEP_INVALID_FIELD')).toEqual([{ code: 'STEP_INVALID_FIELD', severity: 'error', line: 8, column: 5 }]);
  });
  it('accepts continue, a param onError, a duration and /tekton/home', () => {
    const f = checkYaml(taskYaml`
      params: [{name: on}]
      volumes: [{name: v, emptyDir: {}}]
      steps:
        - image: registry.example.com/tool:1.0
          onError: continue
          timeout: 1h30m
          volumeMounts: [{name: v, mountPath: /tekton/home/.cache}]
        - image: registry.example.com/tool:1.0
          onError: $(params.on)
    `);
    expect(only(f, 'STEP_INVALID_FIELD')).toEqual([]);
  });
});

describe('step-ref-conflict', () => {
  it('reports image with ref, and params without ref', () => {
    const f = checkYaml(taskYaml`
      steps:
        - ref: {name: git-clone}
          image: registry.example.com/tool:1.0
        - image: registry.example.com/tool:1.0
          params: [{name: url, value: x}]
    `);
    expect(only(f, 'STEP_REF_CONFLICT')).toEqual([
      { code: 'STEP_REF_CONFLICT', severity: 'error', line: 8, column: 7 },
      { code: 'STEP_REF_CONFLICT', severity: 'error', line: 10, column: 7 },
    ]);
  });
  it('reports a ref with both name and resolver, and one with neither', () => {
    const f = checkYaml(taskYaml`
      steps:
        - ref:
            name: git-clone
            resolver: git
        - ref: {}
    `);
    expect(only(f, 'STEP_REF_CONFLICT')).toEqual([
      { code: 'STEP_REF_CONFLICT', severity: 'error', line: 9, column: 9 },
      { code: 'STEP_REF_CONFLICT', severity: 'error', line: 10, column: 7 },
    ]);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 9, column: 9 }]);
  });
  it('reports a StepAction param passed twice (duplicate-param)', () => {
    const f = checkYaml(taskYaml`
      steps:
        - ref: {name: git-clone}
          params:
            - {name: url, value: a}
            - {name: url, value: b}
    `);
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 10, column: 18 }]);
  });
  it('accepts ref with params', () => {
    const f = checkYaml(taskYaml`
      steps:
        - name: clone
          ref: {name: git-clone}
          params: [{name: url, value: x}]
    `);
    expect(only(f, 'STEP_REF_CONFLICT')).toEqual([]);
  });
});

describe('duplicate-env and secret-in-env', () => {
  it('warns (Kubernetes accepts it, the last wins) about the same env name twice', () => {
    const f = checkYaml(taskYaml`
      stepTemplate:
        env: [{name: A, value: "1"}, {name: A, value: "2"}]
      steps:
        - image: registry.example.com/tool:1.0
          env:
            - name: A
              value: x
    `);
    expect(only(f, 'DUPLICATE_ENV')).toEqual([{ code: 'DUPLICATE_ENV', severity: 'warning', line: 7, column: 41 }]);
  });
  it('accepts a step overriding a stepTemplate env', () => {
    const f = checkYaml(taskYaml`
      stepTemplate: {env: [{name: A, value: "1"}]}
      steps: [{image: registry.example.com/tool:1.0, env: [{name: A, value: "2"}, {name: B, value: "3"}]}]
    `);
    expect(only(f, 'DUPLICATE_ENV')).toEqual([]);
  });
  it('reports secretKeyRef and envFrom secretRef at their keys', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          env:
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: s, key: token}
          envFrom:
            - secretRef: {name: s}
    `);
    expect(only(f, 'SECRET_IN_ENV')).toEqual([
      { code: 'SECRET_IN_ENV', severity: 'warning', line: 11, column: 13 },
      { code: 'SECRET_IN_ENV', severity: 'warning', line: 13, column: 11 },
    ]);
  });
  it('accepts configMapKeyRef', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          env: [{name: A, valueFrom: {configMapKeyRef: {name: c, key: k}}}]
          envFrom: [{configMapRef: {name: c}}]
    `);
    expect(only(f, 'SECRET_IN_ENV')).toEqual([]);
  });
});

describe('feature-flag-required (steps)', () => {
  it('reports step when, stdoutConfig and step workspaces at their keys', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      results: [{name: out}]
      steps:
        - image: registry.example.com/tool:1.0
          when: [{input: a, operator: in, values: [a]}]
          stdoutConfig: {path: $(results.out.path)}
          workspaces: [{name: src}]
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 10, column: 7 },
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 11, column: 7 },
      { code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 12, column: 7 },
    ]);
  });
  it('does not flag GA fields', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      steps: [{image: registry.example.com/tool:1.0, workingDir: $(workspaces.src.path), onError: continue}]
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on odd shapes', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1
      kind: Task
      metadata: {name: t}
      spec:
        steps: [null, 1, {name: 3, image: 4, command: x, env: [null, {name: 1}], volumeMounts: [3], ref: 5, results: x, workspaces: 3}]
        sidecars: {a: 1}
        volumes: x
        workspaces: [1, {name: null}]
        results: [{}, {name: 1}]
        stepTemplate: {env: 3}
    `);
    expect(only(f, 'INTERNAL_ERROR')).toEqual([]);
    expect(f.length).toBeGreaterThan(0);
  });
});
