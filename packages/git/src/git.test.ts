import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneFull, cloneShallow } from './clone.js';
import { Git, redactUrl } from './git.js';
import { serveGitHttp, serveRepository } from './serve.js';

const ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x.invalid' };
let tmp: string;
let repo: Git;
const shas: string[] = [];

async function commit(g: Git, file: string, text: string, message: string, date: string): Promise<string> {
  await writeFile(join(g.dir, file), text);
  await g.run(['add', '-A']);
  await new Git(g.dir, { ...ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }).run(['commit', '-q', '-m', message]);
  return g.run(['rev-parse', 'HEAD']);
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'plumbing-git-'));
  await mkdir(join(tmp, 'demo'));
  repo = new Git(join(tmp, 'demo'), ENV);
  await repo.run(['init', '-q', '--initial-branch=main']);
  shas.push(await commit(repo, 'a.yaml', 'a: 1\n', 'first', '2024-01-01T00:00:00Z'));
  await repo.run(['tag', 'v0.1.0']);
  shas.push(await commit(repo, 'b.yaml', 'b: 2\n', 'second\tone', '2024-01-01T00:01:00Z'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('Git', () => {
  it('reads commits, tags, history, trees and files', async () => {
    expect(await repo.revParse('HEAD')).toBe(shas[1]);
    expect(await repo.revParse('no-such-ref')).toBeUndefined();
    expect(await repo.isAncestor(shas[0]!, shas[1]!)).toBe(true);
    expect(await repo.isAncestor(shas[1]!, shas[0]!)).toBe(false);
    expect(await repo.tagsMerged(shas[0]!)).toEqual(['v0.1.0']);
    expect(await repo.allTags()).toEqual(['v0.1.0']);
    expect(await repo.revList('HEAD', 'v0.1.0')).toEqual([shas[1]]);
    expect(await repo.subjects('HEAD')).toEqual([
      { sha: shas[1], author: 'T', subject: 'second\tone' },
      { sha: shas[0], author: 'T', subject: 'first' },
    ]);
    expect(await repo.subject(shas[0]!)).toBe('first');
    expect(await repo.lsTree(shas[1]!, ['.'])).toEqual(['a.yaml', 'b.yaml']);
    expect(String(await repo.show(shas[0]!, 'a.yaml'))).toBe('a: 1\n');
    expect(await repo.show(shas[0]!, 'b.yaml')).toBeUndefined();
  });

  it('says whether the working tree is clean, and lists what is not', async () => {
    expect(await repo.cleanHead()).toBe(shas[1]);
    await writeFile(join(repo.dir, 'new.txt'), 'x');
    expect(await repo.cleanHead()).toBeUndefined();
    expect(await repo.dirtyFiles()).toEqual(['?? new.txt']);
    await rm(join(repo.dir, 'new.txt'));
    expect(await new Git(tmp).cleanHead()).toBeUndefined();
  });

  it('extracts the tree of a commit', async () => {
    const dest = await mkdtemp(join(tmp, 'archive-'));
    await repo.archive(shas[0]!, dest);
    expect(await readFile(join(dest, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    await expect(repo.archive('f'.repeat(40), dest)).rejects.toMatchObject({ code: 'GIT' });
  });

  it('fails with code GIT, naming the command, never the credentials of a URL', async () => {
    const err = await repo.run(['ls-remote', 'http://user:s3cret@127.0.0.1:1/x.git']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'GIT' });
    expect(String((err as Error).message)).toMatch(/^git ls-remote http:\/\/127\.0\.0\.1:1\/x\.git failed: /);
    expect(String((err as Error).message)).not.toContain('s3cret');
    expect(redactUrl('https://x-access-token:t0k@github.com/o/r.git')).toBe('https://github.com/o/r.git');
  });
});

describe('cloning and serving over HTTP (git http-backend on loopback)', () => {
  it('serves with basic auth: ls-remote, shallow and full clones through it; wrong credentials are refused', async () => {
    const server = await serveGitHttp({ root: tmp, auth: { user: 'u', password: 'p' } });
    try {
      const url = server.url.replace('http://', 'http://u:p@');
      expect(await repo.lsRemote(`${url}/demo`, 'main')).toBe(shas[1]);
      expect(await repo.lsRemote(`${url}/demo`, 'v0.1.0')).toBe(shas[0]);
      expect(await repo.lsRemote(`${url}/demo`, shas[0]!)).toBeUndefined();
      const shallow = await cloneShallow(`${url}/demo`, 'v0.1.0', tmp);
      expect(shallow.commit).toBe(shas[0]);
      await shallow.cleanup();
      const full = await cloneFull(`${url}/demo`, 'main', join(tmp, 'full'), ENV);
      expect(await full.revParse('HEAD')).toBe(shas[1]);
      expect(await full.allTags()).toEqual(['v0.1.0']);
      await expect(cloneFull(`${url}/demo`, 'nope', join(tmp, 'full2'), ENV)).rejects.toMatchObject({ code: 'GIT', message: expect.stringContaining('no branch, tag or commit nope') });
      const denied = await repo.lsRemote(`${server.url.replace('http://', 'http://u:wrong@')}/demo`, 'main').catch((e: unknown) => e);
      expect(denied).toMatchObject({ code: 'GIT' });
      expect(String((denied as Error).message)).not.toContain('wrong');
      expect(server.requests.some((r) => r.status === 401 && r.user === null)).toBe(true);
      expect(server.requests.some((r) => r.status === 200 && r.user === 'u')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('serves one repository read-only with any commit fetchable', async () => {
    const served = await serveRepository(repo);
    try {
      const shallow = await cloneShallow(served.url, shas[0]!, tmp);
      expect(shallow.commit).toBe(shas[0]);
      const push = new Git(shallow.root, ENV);
      await expect(push.run(['push', served.url, 'HEAD:refs/heads/other'])).rejects.toMatchObject({ code: 'GIT' });
      await shallow.cleanup();
      expect(await repo.revParse('other')).toBeUndefined();
    } finally {
      await served.close();
    }
  });
});
