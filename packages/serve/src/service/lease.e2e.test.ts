// Two `plumbing serve` replicas (real child processes) share one real PostgreSQL (on loopback);
// the replica running a run is killed with SIGKILL mid-run; the other sees the run's lease expire,
// marks it failed with the reason and reports the failure on the pull request (the local GitHub
// protocol server in test-utils receives it), and goes on running new work.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver, makeServeRepo, openedPullRequest as pr, WEBHOOK_SECRET } from '../../test/helpers.js';
import { freshDatabaseUrl, type Postgres, startPostgres } from '../../test/postgres.js';
import { type ServeProcess, spawnServe } from '../../test/serve-process.js';

const REPO = 'Codertocat/Hello-World';
let pg: Postgres;
let gh: GitHubServer;
let root: string;
let gates: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // The killed replica's step still waits for its gate: open every gate so it ends.
  for (const sha of ['1', '2'].map((c) => c.repeat(40))) writeFileSync(join(gates, sha), '');
  await gh?.close();
  await removeTempDir(root);
});

async function replica(secrets: string, db: string): Promise<ServeProcess> {
  const p = await spawnServe(root, secrets, ['--db', db]);
  children.push(p.child);
  return p;
}

describe('plumbing serve replicas on one PostgreSQL', () => {
  it('a replica killed mid-run: another takes the run over when its lease expires, fails it with the reason and reports it', async () => {
    root = await makeTempDir('plumbing-serve-lease-');
    gh = await startGitHubServer({ repos: [REPO] });
    const serve = `  serve:
    org: Codertocat
    leaseSeconds: 2
    githubApiUrl: ${gh.url}
    githubTokenSecret: {secretName: gh, secretKey: token}
`;
    let secrets: string;
    ({ secrets, gates } = makeServeRepo(root, { serve }));
    mkdirSync(join(secrets, 'gh'), { recursive: true });
    writeFileSync(join(secrets, 'gh', 'token'), gh.token);
    const db = await freshDatabaseUrl(pg, 'lease');
    // One after the other: the first applies the migrations.
    const replicas = [await replica(secrets, db), await replica(secrets, db)];

    const sha = '1'.repeat(40);
    await deliver(replicas[0]!.url, 'github', WEBHOOK_SECRET, 'pull_request', pr(sha, 21, 'wait [hold]'), 'lease-1');
    // Either replica may take it from the shared queue: the one that started it is killed.
    const [line, owner] = await Promise.race(replicas.map((r, i) => r.line(/run ci-\w+ started/).then((l) => [l, i] as const)));
    const name = /run (ci-\w+) started/.exec(line)?.[1] ?? '';
    const dead = replicas[owner]!;
    const survivor = replicas[1 - owner]!;
    dead.child.kill('SIGKILL');
    await dead.exited;

    await survivor.line(new RegExp(`run ${name} failed \\(ServiceLost\\)`));
    const view = (await (await fetch(`${survivor.url}/api/v1/runs/${name}`)).json()) as { plumbing: { state: string; reason: string; message: string } };
    expect(view.plumbing).toMatchObject({ state: 'failed', reason: 'ServiceLost', message: expect.stringContaining('the serve instance running it stopped') });
    const status = await gh.request((r) => r.method === 'POST' && r.path === `/repos/${REPO}/statuses/${sha}` && (r.body as { state?: string }).state === 'failure');
    expect(status.body).toMatchObject({ context: 'plumbing/ci', description: expect.stringContaining('Failed: the serve instance running it stopped'), target_url: expect.stringContaining(`/runs/${name}`) });

    // The survivor goes on: a new pull request runs there to the end.
    await deliver(survivor.url, 'github', WEBHOOK_SECRET, 'pull_request', pr('2'.repeat(40), 22, 'next'), 'lease-2');
    await survivor.line(/run ci-\w+ succeeded/);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });
});
