import { describe, expect, it } from 'vitest';
import { fromLoadedFileData, loadYaml, locate, locateInScalar, toLoadedFileData } from './source.js';

const text = [
  'apiVersion: v1', // 1
  'kind: ConfigMap', // 2
  'metadata:', // 3
  '  name: a', // 4
  'data:', // 5
  '  plain: pre $(params.x) post $(params.x)', // 6
  '  quoted: "q $(params.y)"', // 7
  '  block: |', // 8
  '    line one', // 9
  '    uses $(params.z) here', // 10
  '---', // 11
  'apiVersion: v1', // 12
  'kind: ConfigMap', // 13
  'metadata:', // 14
  '  name: b', // 15
  '  labels: [x, y]', // 16
  '',
].join('\n');

describe('loadYaml', () => {
  const src = loadYaml('f.yaml', text);

  it('loads every document of a multi-document file', () => {
    expect(src.docs.map((d) => [d.kind, d.name, d.index])).toEqual([
      ['ConfigMap', 'a', 0],
      ['ConfigMap', 'b', 1],
    ]);
  });

  it('locates values and keys, 1-based', () => {
    expect(locate(src.docs[0]!, ['metadata', 'name'])).toEqual({ line: 4, column: 9 });
    expect(locate(src.docs[0]!, ['metadata', 'name'], { key: true })).toEqual({ line: 4, column: 3 });
    expect(locate(src.docs[1]!, ['metadata', 'labels', 1])).toEqual({ line: 16, column: 15 });
  });

  it('falls back to the nearest existing ancestor for a missing node', () => {
    expect(locate(src.docs[1]!, ['metadata', 'annotations', 'x'])).toEqual({ line: 14, column: 1 });
  });

  it('locates a reference inside plain, quoted and block scalars, by occurrence', () => {
    const d = src.docs[0]!;
    expect(locateInScalar(d, ['data', 'plain'], '$(params.x)')).toEqual({ line: 6, column: 14 });
    expect(locateInScalar(d, ['data', 'plain'], '$(params.x)', 1)).toEqual({ line: 6, column: 31 });
    expect(locateInScalar(d, ['data', 'quoted'], '$(params.y)')).toEqual({ line: 7, column: 14 });
    expect(locateInScalar(d, ['data', 'block'], '$(params.z)')).toEqual({ line: 10, column: 10 });
  });

  it('reports duplicate keys as YAML_SYNTAX with a position', () => {
    const bad = loadYaml('d.yaml', 'a: 1\na: 2\n');
    expect(bad.findings.map((f) => [f.code, f.line, f.column])).toEqual([['YAML_SYNTAX', 2, 1]]);
  });

  it('reports an alias inside the node it names as one YAML_SYNTAX at the alias, and keeps the other documents', () => {
    const cyclic = loadYaml('c.yaml', 'kind: Task\nspec: &s\n  steps:\n  - *s\n---\nkind: A\nx: &a [1]\ny: [*a, *a]\n');
    expect(cyclic.findings.map((f) => [f.code, f.line, f.column])).toEqual([['YAML_SYNTAX', 4, 5]]);
    expect(cyclic.docs.map((d) => d.value)).toEqual([{ kind: 'A', x: [1], y: [[1], [1]] }]);
  });

  it('reports an alias bomb as one finding', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const bomb = loadYaml('b.yaml', `${lines.join('\n')}\n`);
    expect(bomb.findings.map((f) => f.code)).toEqual(['YAML_SYNTAX']);
    expect(bomb.docs).toEqual([]);
  });

  it('rebuilds the same positions from worker data', () => {
    const again = fromLoadedFileData(structuredClone(toLoadedFileData(src)));
    expect(again.docs.map((d) => d.name)).toEqual(['a', 'b']);
    expect(locateInScalar(again.docs[0]!, ['data', 'block'], '$(params.z)')).toEqual({ line: 10, column: 10 });
    expect(locate(again.docs[1]!, ['metadata', 'labels', 1])).toEqual({ line: 16, column: 15 });
  });

  it('skips empty documents and keeps the index of the others', () => {
    const s = loadYaml('e.yaml', '---\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n');
    expect(s.docs.map((d) => d.index)).toEqual([1]);
    expect(locate(s.docs[0]!, ['metadata', 'name'])).toEqual({ line: 6, column: 9 });
  });
});
