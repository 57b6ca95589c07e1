import { describe, expect, it } from 'vitest';
import { catalogVersionDir, RepoIndex } from './repo-index.js';
import { loadYaml } from './source.js';

const task = (name: string, tag: string) => `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: ${name}\n  labels: {tag: "${tag}"}\nspec: {}\n`;
const pipeline = 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec: {}\n';

function index(files: Record<string, string>): RepoIndex {
  return new RepoIndex(Object.entries(files).map(([f, t]) => loadYaml(f, t)));
}

const tagOf = (d: ReturnType<RepoIndex['resolve']>) => (d?.value as { metadata: { labels: { tag: string } } } | undefined)?.metadata.labels.tag;

describe('RepoIndex.resolve', () => {
  const idx = index({
    'tasks/git-clone/0.1/git-clone.yaml': task('git-clone', 'v0.1'),
    'tasks/git-clone/0.9/git-clone.yaml': task('git-clone', 'v0.9'),
    'tasks/git-clone/0.10/git-clone.yaml': task('git-clone', 'v0.10'),
    'tasks/git-clone/0.9/tests/run.yaml': pipeline,
    'pipelines/p/p.yaml': pipeline,
  });

  it('resolves by name within the same catalog version directory', () => {
    const from = idx.all('Pipeline', 'p').find((d) => d.file.startsWith('tasks/git-clone/0.9'))!;
    expect(tagOf(idx.resolve('Task', 'git-clone', from))).toBe('v0.9');
  });

  it('resolves to the newest version (numerically) from outside the catalog', () => {
    const from = idx.all('Pipeline', 'p').find((d) => d.file.startsWith('pipelines/'))!;
    expect(tagOf(idx.resolve('Task', 'git-clone', from))).toBe('v0.10');
  });

  it('returns undefined for a name that does not exist', () => {
    expect(idx.resolve('Task', 'nope')).toBeUndefined();
  });

  it('prefers a resource in the same file', () => {
    const i2 = index({ 'a.yaml': `${task('t', 'same')}---\n${pipeline}`, 'b.yaml': task('t', 'other') });
    expect(tagOf(i2.resolve('Task', 't', i2.all('Pipeline', 'p')[0]))).toBe('same');
  });

  it('prefers a resource in the same directory as the run to a same-named one elsewhere', () => {
    const i2 = index({ 'a/other.yaml': task('t', 'elsewhere'), 'b/run.yaml': pipeline, 'b/task.yaml': task('t', 'next-to-it'), 'c/task.yaml': task('t', 'c') });
    expect(tagOf(i2.resolve('Task', 't', i2.all('Pipeline', 'p')[0]))).toBe('next-to-it');
  });

  it('honours a requested catalog version', () => {
    const from = idx.all('Pipeline', 'p').find((d) => d.file.startsWith('pipelines/'))!;
    expect(tagOf(idx.resolve('Task', 'git-clone', from, '0.1'))).toBe('v0.1');
    expect(tagOf(idx.resolve('Task', 'git-clone', from, '7.0'))).toBe('v0.10');
  });
});

describe('catalogVersionDir', () => {
  it('finds the version directory of a catalog file', () => {
    expect(catalogVersionDir('tasks/git-clone/0.2/git-clone.yaml')).toBe('tasks/git-clone/0.2');
    expect(catalogVersionDir('tasks/git-clone/0.2/tests/run.yaml')).toBe('tasks/git-clone/0.2');
    expect(catalogVersionDir('pipelines/ci/ci.yaml')).toBeUndefined();
  });
});
