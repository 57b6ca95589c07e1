import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';
import { celCompileError } from '../../tekton/cel.js';

/** Checks YAML that must parse: a syntax error would make a negative test pass for nothing. */
function check(text: string) {
  const f = checkFiles({ 'test.yaml': text });
  expect(f.filter((x) => x.code === 'YAML_SYNTAX' || x.code === 'INTERNAL_ERROR')).toEqual([]);
  return f;
}

const head = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\n';
const spec = '{steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}';
const withWhen = (when: string) => head + yaml`
  spec:
    params: [{name: branch}]
    tasks:
      - name: a
        when:
          - ${when}
        taskSpec: ${spec}
`;

describe('when-invalid', () => {
  it('reports an unknown operator at the operator', () => {
    expect(only(check(withWhen('{input: "$(params.branch)", operator: "==", values: [main]}')), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 49 }]);
  });
  it('reports empty values, a missing operator and an empty expression', () => {
    expect(only(check(withWhen('{input: x, operator: in, values: []}')), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 36 }]);
    expect(only(check(withWhen('{input: x, values: [a]}')), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 11 }]);
    expect(only(check(withWhen('{}')), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 11 }]);
  });
  it('reports CEL together with input, and CEL that does not parse', () => {
    expect(only(check(withWhen(`{cel: "'a' == 'a'", input: x}`)), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 31 }]);
    expect(only(check(withWhen(`{cel: "'$(params.branch)' == 'main' &&"}`)), 'WHEN_INVALID')).toEqual([{ code: 'WHEN_INVALID', severity: 'error', line: 10, column: 17 }]);
  });
  it('accepts in/notin with values and a CEL expression that parses', () => {
    for (const w of ['{input: "$(params.branch)", operator: notin, values: [main, "release"]}', `{cel: "'$(params.branch)'.startsWith('release-') || '$(params.branch)' in ['main']"}`]) {
      expect(only(check(withWhen(w)), 'WHEN_INVALID')).toEqual([]);
    }
  });
  it('flags CEL as an alpha feature', () => {
    expect(only(check(withWhen(`{cel: "true"}`)), 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 10, column: 12 }]);
    expect(only(check(withWhen('{input: a, operator: in, values: [a]}')), 'FEATURE_FLAG_REQUIRED')).toEqual([]);
  });
});

describe('celCompileError', () => {
  it('accepts the CEL grammar', () => {
    for (const e of [
      'a == b',
      '!(x > 1) ? "y" : r"z\\d"',
      'size(xs) >= 2 && xs.all(x, x.startsWith("a"))',
      "{'k': [1, 2.5e3, 0x1F, 3u]}['k'][0] == 1",
      'x.f != -1',
      '$(tasks.a.results.count) > 3 || "$(params.x)" in ["a", "b",]',
      "'''multi\nline''' == b'bytes'",
    ]) {
      expect([e, celCompileError(e)]).toEqual([e, undefined]);
    }
  });
  it('rejects message construction: no proto types exist in Tekton\'s CEL environment', () => {
    expect(celCompileError('.google.Type{f: 1}.f != -1')).toBeTypeOf('string');
  });
  it('rejects broken expressions', () => {
    for (const e of ['', 'a ==', '(a', 'a b', '"open', 'a ? b', 'x.', '[1, 2', '{a: }', 'a = b', '$(params.x', '#']) {
      expect(celCompileError(e)).toBeTypeOf('string');
    }
  });
});
