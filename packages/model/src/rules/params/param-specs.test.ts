import { describe, expect, it } from 'vitest';
import { checkYaml, only, yaml } from '../../test-helpers.js';
import { taskYaml } from '../task/task-test-helpers.js';

/** A step using params a and b, indented to sit in the tests' templates (6 spaces). */
const STEP = ['steps:', '  - name: s', '    image: registry.example.com/tool:1.0', '    args: ["$(params.a)", "$(params.b)"]'].join('\n      ');

describe('duplicate-param (declarations)', () => {
  it('reports the second declaration of a name', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
        - name: b
        - name: a
      ${STEP}
    `);
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 9, column: 13 }]);
  });
  it('is case-sensitive for declarations', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
        - name: b
        - name: A
      ${STEP}
    `);
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([]);
  });
});

describe('invalid-param-name', () => {
  it('reports a name starting with a digit', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: 1st
      steps:
        - image: registry.example.com/tool:1.0
          args: ["$(params['1st'])"]
    `);
    expect(only(f, 'INVALID_PARAM_NAME')).toEqual([{ code: 'INVALID_PARAM_NAME', severity: 'error', line: 7, column: 13 }]);
  });
  it('reports a dotted object param name and a dotted object key', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: git.repo
          type: object
          properties:
            url.full: {}
      steps:
        - image: registry.example.com/tool:1.0
          args: ["$(params['git.repo'].url)"]
    `);
    expect(only(f, 'INVALID_PARAM_NAME')).toEqual([
      { code: 'INVALID_PARAM_NAME', severity: 'error', line: 7, column: 13 },
      { code: 'INVALID_PARAM_NAME', severity: 'error', line: 10, column: 9 },
    ]);
  });
  it('accepts dots in string param names, and underscores first', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a.b
        - name: _x-y
      steps:
        - image: registry.example.com/tool:1.0
          args: ["$(params['a.b'])", "$(params._x-y)"]
    `);
    expect(only(f, 'INVALID_PARAM_NAME')).toEqual([]);
  });
});

describe('invalid-param-type', () => {
  it('reports an unknown type', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          type: list
        - name: b
      ${STEP}
    `);
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual([{ code: 'INVALID_PARAM_TYPE', severity: 'error', line: 8, column: 13 }]);
  });
  it('reports a default of another type', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          type: array
          default: "x"
        - name: b
      ${STEP}
    `);
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual([{ code: 'INVALID_PARAM_TYPE', severity: 'error', line: 9, column: 16 }]);
  });
  it('reports an object without properties and a non-string property', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          type: object
        - name: b
          properties:
            k: {type: number}
      ${STEP}
    `);
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual([
      { code: 'INVALID_PARAM_TYPE', severity: 'error', line: 8, column: 7 },
      { code: 'INVALID_PARAM_TYPE', severity: 'error', line: 11, column: 19 },
    ]);
  });
  it('accepts matching types and inferred types', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          type: array
          default: ["x"]
        - name: b
          default: {k: v}
          properties:
            k: {type: string}
      ${STEP}
    `);
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual([]);
  });
});

describe('non-string-scalar-default', () => {
  it('reports an unquoted boolean default', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          default: true
        - name: b
      ${STEP}
    `);
    expect(only(f, 'NON_STRING_SCALAR_DEFAULT')).toEqual([{ code: 'NON_STRING_SCALAR_DEFAULT', severity: 'warning', line: 8, column: 16 }]);
  });
  it('accepts a quoted one', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          default: "true"
        - name: b
          default: '1'
      ${STEP}
    `);
    expect(only(f, 'NON_STRING_SCALAR_DEFAULT')).toEqual([]);
  });
});

describe('param-enum (declarations)', () => {
  it('reports a default outside the enum and a duplicate value', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          enum: [x, y, x]
          default: z
        - name: b
      ${STEP}
    `);
    expect(only(f, 'PARAM_ENUM')).toEqual([
      { code: 'PARAM_ENUM', severity: 'error', line: 8, column: 20 },
      { code: 'PARAM_ENUM', severity: 'error', line: 9, column: 16 },
    ]);
  });
  it('reports an enum on an array param', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          type: array
          enum: [x]
        - name: b
      ${STEP}
    `);
    expect(only(f, 'PARAM_ENUM')).toEqual([{ code: 'PARAM_ENUM', severity: 'error', line: 9, column: 7 }]);
  });
  it('accepts a valid enum, and flags it as alpha', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
          enum: [x, y]
          default: y
        - name: b
      ${STEP}
    `);
    expect(only(f, 'PARAM_ENUM')).toEqual([]);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 8, column: 7 }]);
  });
});

describe('unused-param', () => {
  it('reports a param never referenced', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
        - name: b
        - name: c
      ${STEP}
    `);
    expect(only(f, 'UNUSED_PARAM')).toEqual([{ code: 'UNUSED_PARAM', severity: 'warning', line: 9, column: 13 }]);
  });
  it('counts references in env, volumes, sidecars, results, other defaults and the legacy inputs form', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: a
        - name: b
          default: $(params.a)
        - name: c
        - name: d
        - name: e
      volumes:
        - name: v
          secret: {secretName: $(params.c)}
      steps:
        - image: registry.example.com/tool:1.0
          env:
            - name: B
              valueFrom: {configMapKeyRef: {name: $(params.b), key: k}}
          args: ["$(inputs.params.e)"]
      sidecars:
        - image: registry.example.com/tool:1.0
          args: ["$(params[\"d\"])"]
    `);
    expect(only(f, 'UNUSED_PARAM')).toEqual([]);
  });
});

describe('checkParamSpecs on other kinds', () => {
  it('checks StepAction params', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1beta1
      kind: StepAction
      metadata:
        name: a
      spec:
        image: registry.example.com/tool:1.0
        params:
          - name: x
          - name: x
        args: ["$(params.x)"]
    `);
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 9, column: 13 }]);
  });
  it('never throws on odd shapes', () => {
    const f = checkYaml(taskYaml`
      params: [null, 3, {name: 5}, {name: x, type: [a], default: null, properties: 4, enum: 7}]
      steps: [{image: registry.example.com/tool:1.0, args: ["$(params.x)"]}]
    `);
    expect(only(f, 'INTERNAL_ERROR')).toEqual([]);
    expect(only(f, 'INVALID_PARAM_NAME').length).toBe(3);
  });
});
