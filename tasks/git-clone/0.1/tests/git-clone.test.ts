import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git, makeGitRepo, makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHttpServer, selfSignedCert, startGitHttpServer } from '@plumbing/test-utils';
import { result, runTask } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'git-clone.yaml');

let root: string;
let open: GitHttpServer;
let locked: GitHttpServer;
let tls: GitHttpServer;
let shas: string[];
let libSha: string;

beforeAll(async () => {
  root = await makeTempDir('git-clone-test-');
  // a library used as a submodule, and the app
  libSha = (await makeGitRepo(join(root, 'repos', 'lib'), [{ files: { 'lib.txt': 'lib\n' }, message: 'lib' }]))[0]!;
  open = await startGitHttpServer(join(root, 'repos'));
  shas = await makeGitRepo(join(root, 'repos', 'app'), [
    { files: { 'README.md': '# app\n' }, message: 'first', tag: 'v0.1.0' },
    { files: { 'a.txt': 'a\n' }, message: 'second' },
    { files: { 'b.txt': 'b\n' }, message: 'third', date: '2024-02-01T00:00:00Z' },
  ]);
  await git(join(root, 'repos', 'app'), ['branch', 'feature', shas[1]!]);
  await git(join(root, 'repos', 'app'), ['update-ref', 'refs/pull/7/head', shas[0]!]);
  // super repo with lib as a submodule, over http
  await makeGitRepo(join(root, 'repos', 'super'), [{ files: { 'x.txt': 'x\n' }, message: 'super' }]);
  await git(join(root, 'repos', 'super'), ['-c', 'protocol.file.allow=always', 'submodule', 'add', `${open.url}/lib`, 'lib']);
  await git(join(root, 'repos', 'super'), ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-m', 'add lib']);
  for (const r of ['app', 'lib', 'super']) await git(join(root, 'repos', r), ['config', 'http.receivepack', 'true']);
  locked = await startGitHttpServer(join(root, 'repos'), { user: 'bot', password: 's3cret-token' });
  tls = await startGitHttpServer(join(root, 'repos'), undefined, await selfSignedCert(root));
});

afterAll(async () => {
  await open?.close();
  await locked?.close();
  await tls?.close();
  await removeTempDir(root);
});

async function out(name: string): Promise<string> {
  const dir = join(root, 'out', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function secretDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, 'secrets', name);
  await mkdir(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) await writeFile(join(dir, f), c);
  return dir;
}

describe('git-clone 0.1 over a local git smart-HTTP server (git http-backend)', () => {
  it('clones the default branch shallowly and reports commit, url and committer-date', async () => {
    const dir = await out('default');
    const { run, code } = await runTask(TASK, { params: { url: `${open.url}/app` }, workspaces: { output: dir } });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'commit')).toBe(shas[2]);
    expect(result(run, 'url')).toBe(`${open.url}/app`);
    expect(result(run, 'committer-date')).toBe(String(Date.parse('2024-02-01T00:00:00Z') / 1000));
    expect((await git(dir, ['rev-list', '--count', 'HEAD'])).trim()).toBe('1');
    expect((await readdir(dir)).sort()).toEqual(['.git', 'README.md', 'a.txt', 'b.txt']);
  });

  it('checks out a branch, a tag or a commit SHA, with full history when depth is 0', async () => {
    const byBranch = await runTask(TASK, { params: { url: `${open.url}/app`, revision: 'feature' }, workspaces: { output: await out('branch') } });
    expect(result(byBranch.run, 'commit')).toBe(shas[1]);
    const byTag = await runTask(TASK, { params: { url: `${open.url}/app`, revision: 'v0.1.0' }, workspaces: { output: await out('tag') } });
    expect(result(byTag.run, 'commit')).toBe(shas[0]);
    const full = await out('sha');
    const bySha = await runTask(TASK, { params: { url: `${open.url}/app`, revision: shas[1]!, depth: '0' }, workspaces: { output: full } });
    expect(result(bySha.run, 'commit')).toBe(shas[1]);
    expect((await git(full, ['rev-list', '--count', 'HEAD'])).trim()).toBe('2');
  });

  it('fetches a refspec (a pull request head) and checks it out', async () => {
    const { run } = await runTask(TASK, {
      params: { url: `${open.url}/app`, refspec: 'refs/pull/7/head:refs/remotes/origin/pr/7', revision: 'refs/remotes/origin/pr/7' },
      workspaces: { output: await out('refspec') },
    });
    expect(run.succeeded).toBe('True');
    expect(result(run, 'commit')).toBe(shas[0]);
  });

  it('clones into a subdirectory, and fetches submodules unless told not to', async () => {
    const dir = await out('sub');
    const { run } = await runTask(TASK, { params: { url: `${open.url}/super`, subdirectory: 'src/super' }, workspaces: { output: dir } });
    expect(run.succeeded).toBe('True');
    expect((await git(join(dir, 'src/super/lib'), ['rev-parse', 'HEAD'])).trim()).toBe(libSha);
    const dir2 = await out('nosub');
    const no = await runTask(TASK, { params: { url: `${open.url}/super`, submodules: 'false' }, workspaces: { output: dir2 } });
    expect(no.run.succeeded).toBe('True');
    expect(await readdir(join(dir2, 'lib'))).toEqual([]);
  });

  it('verifies TLS certificates unless sslVerify is false (a server with a self-signed certificate)', async () => {
    const strict = await runTask(TASK, { params: { url: `${tls.url}/app` }, workspaces: { output: await out('tls-strict') } });
    expect(strict.run.succeeded).toBe('False');
    expect(strict.stderr).toContain('the TLS certificate of 127.0.0.1:');
    expect(strict.stderr).toContain('or set param sslVerify=false for a private server');
    const lax = await runTask(TASK, { params: { url: `${tls.url}/app`, sslVerify: 'false' }, workspaces: { output: await out('tls-lax') } });
    expect(lax.run.succeeded).toBe('True');
    expect(result(lax.run, 'commit')).toBe(shas[2]);
  });

  it('fails with a clear message for bad params, and writes nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ url: '' }, 'param url is empty'],
      [{ url: `${open.url}/app`, depth: 'one' }, 'param depth must be a whole number'],
      [{ url: `${open.url}/app`, sslVerify: 'yes' }, 'param sslVerify must be "true" or "false"'],
      [{ url: `${open.url}/app`, subdirectory: '../up' }, 'leaves the output workspace'],
      [{ url: `${open.url}/app`, revision: 'no-such-branch' }, 'revision "no-such-branch" was not found'],
    ];
    for (const [params, message] of cases) {
      const dir = await out(`bad-${Object.values(params).join('-').replace(/\W/g, '')}`);
      const { run, code, stderr } = await runTask(TASK, { params, workspaces: { output: dir } });
      expect(code).toBe(1);
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
      expect(await readdir(dir)).toEqual([]);
    }
  });
});

describe('git-clone 0.1 credentials (seed 004: errors say which credential is wrong)', () => {
  const url = () => `${locked.url}/app`;

  it('clones with basic-auth .git-credentials, and never prints the token', async () => {
    const creds = await secretDir('good', { '.git-credentials': `http://bot:s3cret-token@${new URL(locked.url).host}\n` });
    const { run, stderr } = await runTask(TASK, { params: { url: url() }, workspaces: { output: await out('auth-ok'), 'basic-auth': creds } });
    expect(run.succeeded).toBe('True');
    expect(result(run, 'commit')).toBe(shas[2]);
    expect(stderr).not.toContain('s3cret-token');
    expect(locked.requests.some((r) => r.user === 'bot')).toBe(true);
  });

  it('says the basic-auth workspace is missing when the server asks for credentials', async () => {
    const { run, stderr } = await runTask(TASK, { params: { url: url() }, workspaces: { output: await out('auth-none') } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('asks for credentials to read');
    expect(stderr).toContain('the basic-auth workspace is not bound');
  });

  it('says the credentials in basic-auth were rejected (wrong token)', async () => {
    const creds = await secretDir('wrong', { '.git-credentials': `http://bot:wrong-token@${new URL(locked.url).host}\n` });
    const { run, stderr } = await runTask(TASK, { params: { url: url() }, workspaces: { output: await out('auth-wrong'), 'basic-auth': creds } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('rejected the credentials in workspace basic-auth (.git-credentials)');
    expect(stderr).not.toContain('wrong-token');
  });

  it('names the malformed line, the missing file, the wrong host — without showing secrets', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ '.git-credentials': 'bot:tok-123\n' }, 'line 1 of .git-credentials is not of the form https://USER:TOKEN@HOST'],
      [{ 'token': 'tok-123' }, 'has neither .git-credentials nor .gitconfig (it has: token'],
      [{ '.git-credentials': 'https://bot:tok-123@github.com\n' }, '.git-credentials has credentials for: github.com, none for 127.0.0.1:'],
    ];
    for (const [files, message] of cases) {
      const creds = await secretDir(`bad-${Object.keys(files)[0]}-${message.length}`, files);
      const { run, stderr } = await runTask(TASK, { params: { url: url() }, workspaces: { output: await out(`auth-${message.length}`), 'basic-auth': creds } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('tok-123');
    }
  });

  it('refuses credentials inside the url and does not echo them', async () => {
    const { run, stderr } = await runTask(TASK, { params: { url: `http://bot:s3cret-token@127.0.0.1:1/app` }, workspaces: { output: await out('inurl') } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('carries credentials in the URL');
    expect(stderr).not.toContain('s3cret-token');
  });

  it('checks the ssh-directory workspace before connecting: no key, a public key, no known_hosts, not bound', async () => {
    const sshUrl = 'git@git.example.invalid:org/app.git';
    const priv = '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    const cases: [Record<string, string> | null, string][] = [
      [null, 'uses SSH, but the ssh-directory workspace is not bound'],
      [{ config: 'Host *\n' }, 'has no private key: expected a file named id_ed25519, id_ecdsa, id_rsa or ssh-privatekey (it has: config'],
      [{ id_ed25519: 'ssh-ed25519 AAAA user@host\n' }, 'id_ed25519 is not a private key'],
      [{ id_rsa: priv }, 'has no known_hosts, so the host key of git.example.invalid cannot be verified'],
    ];
    let i = 0;
    for (const [files, message] of cases) {
      const workspaces: Record<string, string> = { output: await out(`ssh-${i}`) };
      if (files) {
        const d = await secretDir(`ssh-${i}`, files);
        await chmod(d, 0o700);
        workspaces['ssh-directory'] = d;
      }
      i++;
      const { run, stderr } = await runTask(TASK, { params: { url: sshUrl }, workspaces });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
  });
});
