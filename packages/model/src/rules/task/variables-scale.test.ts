import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../test-helpers.js';

const task = (params: string, args: string) =>
  `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  params:\n${params}\n  steps:\n    - name: s\n      image: alpine\n      args: ["${args}"]\n`;

/**
 * Inputs that took minutes while the variable rules were quadratic (100,000 references in one
 * string: 168 s; 8,000 params each referencing an undeclared param: 32 s). No timing assertion:
 * a quadratic rule makes this file time out instead; the figures are in `npm run bench:check`.
 */
describe('variables at scale', () => {
  it('reports each of 100,000 references in one string, each at its own column', () => {
    const refs = Array.from({ length: 100_000 }, (_, i) => `$(params.u${i % 10})`).join(' ');
    const f = checkFiles({ 'a.yaml': task('    - name: p', refs) }).filter((x) => x.code === 'UNDEFINED_PARAM_REFERENCE');
    expect(f).toHaveLength(100_000);
    expect(f[0]).toMatchObject({ line: 11, column: 15 });
    expect(f[99_999]).toMatchObject({ line: 11, column: 15 + 99_999 * 13 });
  });
  it('reports 8,000 params whose defaults reference undeclared params', () => {
    const params = Array.from({ length: 8_000 }, (_, i) => `    - name: p${i}\n      default: "$(params.q${i})"`).join('\n');
    const f = checkFiles({ 'a.yaml': task(params, 'x') }).filter((x) => x.code === 'UNDEFINED_PARAM_LEFT_LITERAL');
    expect(f).toHaveLength(8_000);
    expect(f[0]).toMatchObject({ hint: 'did you mean "p0"?' });
    expect(f[7_999]).toMatchObject({ line: 6 + 7_999 * 2 + 2 });
  });
});
