import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function check(text: string) {
  const f = checkFiles({ 'test.yaml': text });
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}

const head = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\n';
const spec = '{params: [{name: os}, {name: arch}, {name: flags, type: array}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}';
const withMatrix = (matrix: string, params = '[]') => head + yaml`
  spec:
    params: [{name: oses, type: array}]
    tasks:
      - name: a
        params: ${params}
        matrix: ${matrix}
        taskSpec: ${spec}
`;
const list = (n: number) => `[${Array.from({ length: n }, (_, i) => `v${i}`).join(', ')}]`;

describe('matrix-invalid', () => {
  it('reports more than 256 combinations at the matrix key', () => {
    const f = check(withMatrix(`{params: [{name: os, value: ${list(17)}}, {name: arch, value: ${list(16)}}]}`, '[{name: flags, value: []}]'));
    expect(only(f, 'MATRIX_INVALID')).toEqual([{ code: 'MATRIX_INVALID', severity: 'error', line: 10, column: 7 }]);
  });
  it('accepts 256 combinations, and counts include entries that add combinations', () => {
    const ok = withMatrix(`{params: [{name: os, value: ${list(16)}}, {name: arch, value: ${list(16)}}], include: [{name: x, params: [{name: os, value: v0}, {name: flags, value: f}]}]}`);
    expect(only(check(ok), 'MATRIX_INVALID')).toEqual([]);
    const over = withMatrix(`{params: [{name: os, value: ${list(16)}}, {name: arch, value: ${list(16)}}], include: [{name: x, params: [{name: os, value: new}]}]}`);
    expect(only(check(over), 'MATRIX_INVALID')).toEqual([{ code: 'MATRIX_INVALID', severity: 'error', line: 10, column: 7 }]);
  });
  it('reports a param both in matrix and params, a non-array matrix param and a non-string include param', () => {
    const f = check(head + yaml`
      spec:
        tasks:
          - name: a
            params: [{name: os, value: linux}]
            matrix:
              params:
                - {name: os, value: [linux, mac]}
                - {name: arch, value: amd64}
              include:
                - name: extra
                  params: [{name: flags, value: [a]}]
            taskSpec: ${spec}
    `);
    expect(only(f, 'MATRIX_INVALID')).toEqual([
      { code: 'MATRIX_INVALID', severity: 'error', line: 11, column: 20 },
      { code: 'MATRIX_INVALID', severity: 'error', line: 12, column: 33 },
      { code: 'MATRIX_INVALID', severity: 'error', line: 15, column: 43 },
    ]);
  });
  it('reports a whole string param as a matrix param', () => {
    const f = check(withMatrix('{params: [{name: os, value: $(params.one)}]}').replace('type: array}]', 'type: array}, {name: one}]'));
    expect(only(f, 'MATRIX_INVALID')).toEqual([{ code: 'MATRIX_INVALID', severity: 'error', line: 10, column: 43 }]);
  });
  it('accepts a whole array reference as a matrix param', () => {
    expect(only(check(withMatrix('{params: [{name: os, value: $(params.oses)}]}')), 'MATRIX_INVALID')).toEqual([]);
  });
});

describe('duplicate-param (matrix)', () => {
  it('reports a matrix param given twice', () => {
    const f = check(withMatrix('{params: [{name: os, value: [a]}, {name: os, value: [b]}]}'));
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([{ code: 'DUPLICATE_PARAM', severity: 'error', line: 10, column: 56 }]);
  });
  it('accepts distinct matrix params', () => {
    expect(only(check(withMatrix('{params: [{name: os, value: [a]}, {name: arch, value: [b]}]}')), 'DUPLICATE_PARAM')).toEqual([]);
  });
});

describe('feature-flag-required (matrix)', () => {
  it('flags matrix as beta', () => {
    expect(only(check(withMatrix('{params: [{name: os, value: [a]}]}')), 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 10, column: 7 }]);
  });
});
