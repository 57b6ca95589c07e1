import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';
import { stepActionYaml, taskYaml } from '../task/task-test-helpers.js';

const IMG = 'registry.example.com/tool:1.0';

describe('stepaction-invalid', () => {
  it('reports a StepAction without image at the spec key', () => {
    const f = checkYaml(stepActionYaml`
      script: "#!/bin/sh\\necho hi"
    `);
    expect(only(f, 'STEPACTION_INVALID')).toEqual([{ code: 'STEPACTION_INVALID', severity: 'error', line: 5, column: 1 }]);
  });
  it('reports params in the script, at the reference', () => {
    const f = checkYaml(stepActionYaml`
      image: ${IMG}
      params: [{name: url}]
      script: |
        #!/bin/sh
        git clone $(params.url)
    `);
    expect(only(f, 'STEPACTION_INVALID')).toEqual([{ code: 'STEPACTION_INVALID', severity: 'error', line: 10, column: 15 }]);
    expect(only(f, 'PARAM_IN_SCRIPT')).toEqual([]);
  });
  it('reports a volumeMount name that is not one param reference, and a step-only field', () => {
    const f = checkYaml(stepActionYaml`
      image: ${IMG}
      params: [{name: vol}]
      volumeMounts:
        - name: cache
          mountPath: /cache
        - name: $(params.vol)
          mountPath: /v
      onError: continue
    `);
    expect(only(f, 'STEPACTION_INVALID')).toEqual([
      { code: 'STEPACTION_INVALID', severity: 'error', line: 9, column: 13 },
      { code: 'STEPACTION_INVALID', severity: 'error', line: 13, column: 3 },
    ]);
  });
  it('accepts a valid StepAction', () => {
    const f = checkYaml(stepActionYaml`
      image: ${IMG}
      params:
        - name: url
        - name: vol
      results: [{name: commit}]
      volumeMounts: [{name: "$(params.vol)", mountPath: /v}]
      env: [{name: URL, value: $(params.url)}]
      script: |
        #!/bin/sh
        git clone "$URL" && git rev-parse HEAD > $(step.results.commit.path)
    `);
    expect(f).toEqual([]);
  });
});

describe('shared rules on StepActions', () => {
  it('reports script with command', () => {
    const f = checkYaml(stepActionYaml`
      image: ${IMG}
      command: [sh]
      script: "#!/bin/sh\\necho hi"
    `);
    expect(only(f, 'STEP_SCRIPT_WITH_COMMAND')).toEqual([{ code: 'STEP_SCRIPT_WITH_COMMAND', severity: 'error', line: 7, column: 3 }]);
  });
  it('reports undeclared params, undeclared step results and unused params', () => {
    const f = checkYaml(stepActionYaml`
      image: ${IMG}
      params: [{name: unused}]
      args: ["$(params.nope)", "$(step.results.nope.path)"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 8, column: 11 }]);
    expect(only(f, 'UNDEFINED_RESULT_PATH')).toEqual([{ code: 'UNDEFINED_RESULT_PATH', severity: 'error', line: 8, column: 29 }]);
    expect(only(f, 'UNUSED_PARAM')).toEqual([{ code: 'UNUSED_PARAM', severity: 'warning', line: 7, column: 19 }]);
  });
  it('reports unpinned images and secrets in env', () => {
    const f = checkYaml(stepActionYaml`
      image: registry.example.com/tool
      env: [{name: T, valueFrom: {secretKeyRef: {name: s, key: k}}}]
    `);
    expect(only(f, 'IMAGE_UNPINNED')).toEqual([{ code: 'IMAGE_UNPINNED', severity: 'warning', line: 6, column: 10 }]);
    expect(only(f, 'SECRET_IN_ENV')).toEqual([{ code: 'SECRET_IN_ENV', severity: 'warning', line: 7, column: 31 }]);
  });
});

describe('params passed to a StepAction', () => {
  it('accepts $(params.x[*]) of any type as a whole step ref param value, as Tekton does', () => {
    const f = checkYaml(taskYaml`
      params:
        - {name: s, type: string, default: a}
        - {name: a, type: array, default: [a]}
        - name: o
          properties: {k: {type: string}}
          default: {k: v}
      steps:
        - name: run
          ref: {name: action}
          params:
            - {name: s, value: "$(params.s[*])"}
            - {name: a, value: "$(params.a[*])"}
            - {name: o, value: "$(params.o[*])"}
    `);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
  });
  it('still reports an index on a string param', () => {
    const f = checkYaml(taskYaml`
      params: [{name: s, type: string, default: a}]
      steps:
        - name: run
          ref: {name: action}
          params: [{name: s, value: "$(params.s[0])"}]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 10, column: 34 }]);
  });
});
