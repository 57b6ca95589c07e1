import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommitSpec, git, makeGitRepo, makeTempDir, removeTempDir } from './git-repo.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await makeTempDir('test-utils-git-');
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});

const HISTORY: CommitSpec[] = [
  { files: { 'README.md': '# plumbing\n', 'tasks/a/0.1/a.yaml': 'kind: Task\n' }, message: 'initial', tag: 'v0.1.0' },
  { files: { 'tasks/a/0.1/a.yaml': 'kind: Task\nspec: {}\n' }, message: 'fix: task a', tag: 'v0.1.1', tagMessage: 'Release v0.1.1' },
  { files: { 'README.md': null, 'docs/x.md': 'x\n' }, message: 'docs: move readme' },
];

describe('makeTempDir', () => {
  it('makes a fresh, distinct directory with the prefix', async () => {
    const a = await tempDir();
    const b = await tempDir();
    expect(a).not.toBe(b);
    expect(a).toContain('test-utils-git-');
    expect(existsSync(a)).toBe(true);
  });
});

describe('makeGitRepo (real git CLI)', () => {
  it('makes one commit per spec with the files, messages, tags and deterministic dates', async () => {
    const dir = await tempDir();
    const shas = await makeGitRepo(dir, HISTORY);
    expect(shas).toHaveLength(3);
    for (const sha of shas) expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(shas[2]);
    expect(await git(dir, ['rev-parse', 'v0.1.0^{commit}'])).toBe(shas[0]);
    expect(await git(dir, ['rev-parse', 'v0.1.1^{commit}'])).toBe(shas[1]);
    expect(await git(dir, ['cat-file', '-t', 'v0.1.0'])).toBe('commit'); // lightweight
    expect(await git(dir, ['cat-file', '-t', 'v0.1.1'])).toBe('tag'); // annotated
    expect(await git(dir, ['log', '--format=%s|%an <%ae>|%aI|%cI'])).toBe(
      [
        'docs: move readme|Plumbing Test <test@plumbing.invalid>|2024-01-01T00:02:00+00:00|2024-01-01T00:02:00+00:00',
        'fix: task a|Plumbing Test <test@plumbing.invalid>|2024-01-01T00:01:00+00:00|2024-01-01T00:01:00+00:00',
        'initial|Plumbing Test <test@plumbing.invalid>|2024-01-01T00:00:00+00:00|2024-01-01T00:00:00+00:00',
      ].join('\n'),
    );
    expect(await git(dir, ['ls-files'])).toBe(['docs/x.md', 'tasks/a/0.1/a.yaml'].join('\n'));
    expect(await readFile(join(dir, 'tasks/a/0.1/a.yaml'), 'utf8')).toBe('kind: Task\nspec: {}\n');
    expect(await git(dir, ['branch', '--show-current'])).toBe('main');
    expect(await git(dir, ['status', '--porcelain'])).toBe('');
  });

  it('gives the same SHAs for the same spec in another directory', async () => {
    const a = await makeGitRepo(await tempDir(), HISTORY);
    const b = await makeGitRepo(await tempDir(), HISTORY);
    expect(b).toEqual(a);
  });

  it('supports another branch name, explicit dates and empty commits', async () => {
    const dir = await tempDir();
    const [sha] = await makeGitRepo(dir, [{ files: {}, message: 'empty', date: '2023-06-01T10:00:00Z' }], { branch: 'release-v0.1.x' });
    expect(await git(dir, ['branch', '--show-current'])).toBe('release-v0.1.x');
    expect(await git(dir, ['show', '-s', '--format=%cI', sha ?? ''])).toBe('2023-06-01T10:00:00+00:00');
  });

  it('extends an existing repository, and refuses paths outside it', async () => {
    const dir = await tempDir();
    const [first] = await makeGitRepo(dir, HISTORY.slice(0, 1));
    const [second] = await makeGitRepo(dir, [{ files: { 'b.txt': 'b' }, message: 'second' }]);
    expect(await git(dir, ['rev-parse', 'HEAD^'])).toBe(first);
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(second);
    await expect(makeGitRepo(dir, [{ files: { '../escape.txt': 'x' }, message: 'bad' }])).rejects.toThrow(/leaves the repository/);
  });
});
