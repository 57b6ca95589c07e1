import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listYamlFiles } from './load.js';
import { loadYaml } from './source.js';
import { loadYamlBytes } from './text.js';

describe('listYamlFiles', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('walks dot-directories such as .tekton/ and skips .git, node_modules and caches', () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-list-'));
    for (const d of ['.tekton', '.git', 'node_modules/x', 'tasks/.cache/go', 'tasks']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['.tekton/push.yaml', '.git/config.yaml', 'node_modules/x/a.yaml', 'tasks/.cache/go/categories.yaml', 'tasks/t.yaml']) writeFileSync(join(dir, f), 'a: 1\n');
    expect(listYamlFiles(dir, '', [])).toEqual(['.tekton/push.yaml', 'tasks/t.yaml']);
  });

  it('follows symbolic links to files and directories, and ends on a link loop', () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-list-'));
    mkdirSync(join(dir, 'real/sub'), { recursive: true });
    writeFileSync(join(dir, 'real/sub/a.yaml'), 'a: 1\n');
    symlinkSync(join(dir, 'real/sub/a.yaml'), join(dir, 'linked.yaml'));
    symlinkSync(join(dir, 'real'), join(dir, 'real/sub/loop'));
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    expect(listYamlFiles(dir, '', [])).toEqual(['linked.yaml', 'real/sub/a.yaml']);
  });
});

describe('YAML that go-yaml reads, and bytes it refuses', () => {
  it('reads a flow sequence whose lines are indented no deeper than its key, as kubectl does', () => {
    const text = ['spec:', '  containers:', '  - args: [', '    "-v",', '    "INFO", "-x",', '    ]', '    image: registry.example.com/c:1', '    script: |', '      if [ -z "$x" ]; then', '    name: c', ''].join('\n');
    const src = loadYaml('k.yaml', text);
    expect(src.findings).toEqual([]);
    expect(src.docs[0]!.value).toEqual({ spec: { containers: [{ args: ['-v', 'INFO', '-x'], image: 'registry.example.com/c:1', script: 'if [ -z "$x" ]; then\n', name: 'c' }] } });
  });
  it('leaves brackets inside quoted values alone', () => {
    const text = `a:\n  - value: '{ \\"f\\": [\\"x\\"], \\"d\\": { \\"l\\": 1 } }'\n  - b: 1\nc: 2\n`;
    const src = loadYaml('k.yaml', text);
    expect(src.findings).toEqual([]);
    expect(src.docs[0]!.value).toEqual({ a: [{ value: '{ \\"f\\": [\\"x\\"], \\"d\\": { \\"l\\": 1 } }' }, { b: 1 }], c: 2 });
  });
  it('leaves block scalars with brackets alone', () => {
    const text = 'a:\n  script: |\n    arr=( [\nb: [1,\n  2]\n';
    expect(loadYaml('k.yaml', text).docs[0]!.value).toEqual({ a: { script: 'arr=( [\n' }, b: [1, 2] });
  });
  it('relaxes a flow sequence opened after a stray closer in a key, and returns a file whose flow collections all close on their line unchanged', () => {
    const text = ['a]b: [', '"x",', ']', ''].join('\n');
    expect(loadYaml('k.yaml', text).docs[0]!.value).toEqual({ 'a]b': ['x'] });
    const closed = 'a: [1, {b: "]"}]\nc: \'[\'\n';
    expect(loadYaml('k.yaml', closed).text).toBe(closed);
  });
  it('still finds what the cheap text tests guard: a self-referential alias, a collection key, a deep file', () => {
    expect(loadYaml('k.yaml', 'a: &s\n  b: [*s]\n').findings.map((f) => f.code)).toEqual(['YAML_SYNTAX']);
    expect(loadYaml('k.yaml', '? [a, b]\n: c\n').findings.map((f) => f.code)).toEqual(['YAML_WARNING']);
    expect(loadYaml('k.yaml', 'x: {{ .Values.y }}: z\n').findings.map((f) => f.code)).toContain('YAML_WARNING');
    expect(loadYaml('k.yaml', `a: ${'['.repeat(600)}${']'.repeat(600)}\n`).findings.map((f) => f.message)).toEqual([expect.stringMatching(/nesting deeper than 500/)]);
    expect(loadYaml('k.yaml', 'run: ls *.yaml && echo ok 2>&1\n').findings).toEqual([]);
  });
  it('leaves a sequence item that is a block scalar (`- |`) alone, braces and all', () => {
    const text = ['args:', '  - |', '    cat <<EOF', '    {', '      "a": {', '        "b": 1', '      }', '    }', '    EOF', ''].join('\n');
    expect(loadYaml('k.yaml', text).docs[0]!.value).toEqual({ args: ['cat <<EOF\n{\n  "a": {\n    "b": 1\n  }\n}\nEOF\n'] });
  });
  it('reports invalid UTF-8 as one YAML_SYNTAX finding at its line', () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(loadYamlBytes('bad.yaml', bytes).findings.map((f) => [f.code, f.line, f.column])).toEqual([['YAML_SYNTAX', 4, 7]]);
  });
});
