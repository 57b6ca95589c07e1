import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateVariants, MUTATIONS, seededRandom } from './variants.js';

const task = {
  apiVersion: 'tekton.dev/v1',
  kind: 'Task',
  metadata: { name: 'build' },
  spec: {
    params: [{ name: 'url', type: 'string', description: 'where' }],
    steps: [{ name: 'run', image: 'alpine', script: 'echo $(params.url)\n' }],
  },
};
const pipeline = {
  apiVersion: 'tekton.dev/v1',
  kind: 'Pipeline',
  metadata: { name: 'ci' },
  spec: {
    params: [{ name: 'url', description: 'where' }],
    workspaces: [{ name: 'src' }],
    tasks: [{ name: 'build', taskRef: { name: 'build' }, params: [{ name: 'url', value: '$(params.url)' }] }],
  },
};

describe('generateVariants', () => {
  it('gives the same variants for the same seed and different ones for another seed', () => {
    const bases = [
      { id: 'task#0', value: task },
      { id: 'pipeline#0', value: pipeline },
    ];
    const a = generateVariants(bases, 200, 7);
    expect(generateVariants(bases, 200, 7)).toEqual(a);
    expect(generateVariants(bases, 200, 8).map((v) => v.id)).not.toEqual(a.map((v) => v.id));
    expect(a.length).toBeGreaterThanOrEqual(200);
  });

  it('leaves the base documents untouched and emits parseable YAML that differs from the base', () => {
    const before = structuredClone(task);
    for (const v of generateVariants([{ id: 'task#0', value: task }], 50)) {
      expect(parse(v.yaml)).not.toEqual(task);
    }
    expect(task).toEqual(before);
  });

  it('applies each targeted mutation where its field exists', () => {
    const rng = seededRandom(1);
    const missingImage = structuredClone(task);
    expect(MUTATIONS['missing-step-image']?.(missingImage, rng)).toBe(true);
    expect(missingImage.spec.steps[0]).toEqual({ name: 'run', script: 'echo $(params.url)\n' });
    const dup = structuredClone(pipeline);
    expect(MUTATIONS['duplicate-pipeline-task']?.(dup, rng)).toBe(true);
    expect(dup.spec.tasks.map((t) => t.name)).toEqual(['build', 'build']);
    expect(MUTATIONS['bad-matrix']?.(structuredClone(task), rng)).toBe(false);
  });
});
