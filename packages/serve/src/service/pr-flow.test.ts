// Pull-request CI end to end: plumbing serve in-process with the embedded executor, a real git
// repository the pipeline clones at the pull request's head, GitHub's own example payloads
// signed here, and the local server that speaks GitHub's REST protocol (no real GitHub can run
// here) answering the trust questions and receiving statuses, comments and check runs.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { commentPayload, deliver, example, WEBHOOK_SECRET } from '../../test/helpers.js';
import { CI_TOKEN, makePrRepo, makeSourceRepo } from '../../test/pr-repo.js';
import type { RunRow } from '../store/store.js';
import { type RunningService, startServe } from './server.js';
import { pullRequestState } from '../store/pull-requests.js';
import { waitForEvent } from '../../test/helpers.js';

const REPO = 'Codertocat/Hello-World';
let root: string;
let gh: GitHubServer;
let svc: RunningService;
let shas: string[];
let gates: string;
let deliveries = 0;
let restart: () => Promise<void>;

async function start(serve: (gh: GitHubServer) => string, app = false): Promise<void> {
  root = await makeTempDir('plumbing-serve-pr-');
  gh = await startGitHubServer({ repos: [REPO], ...(app ? { app: { id: 77, slug: 'plumbing-ci', installations: [{ id: 5, account: 'Codertocat' }] } } : {}) });
  gh.state.access.addOrgMember('Codertocat', 'alice');
  const source = join(root, 'source');
  shas = await makeSourceRepo(source);
  const made = makePrRepo(root, { serve: serve(gh), source });
  gates = made.gates;
  writeFileSync(join(made.secrets, 'github-webhook-secret', 'token'), WEBHOOK_SECRET);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(made.secrets, 'gh'), { recursive: true });
  writeFileSync(join(made.secrets, 'gh', 'token'), gh.token);
  if (gh.app) {
    mkdirSync(join(made.secrets, 'app'), { recursive: true });
    writeFileSync(join(made.secrets, 'app', 'key.pem'), gh.app.privateKey);
  }
  const serveOpts = { root, port: 0, host: '127.0.0.1', secretsDir: made.secrets, sandbox: false, log: (l: string) => { if (process.env.SERVE_DEBUG) process.stderr.write(`${l}\n`); } };
  svc = await startServe(serveOpts);
  restart = async () => {
    await svc.close(0);
    svc = await startServe(serveOpts);
  };
}

afterEach(async () => {
  await svc?.close(0);
  await gh?.close();
  await removeTempDir(root);
});

const tokenMode = (g: GitHubServer) => `    publicUrl: https://ci.example.org
    org: Codertocat
    githubApiUrl: ${g.url}
    githubTokenSecret: {secretName: gh, secretKey: token}
`;

function pullRequest(action: string, number: number, sha: string, author: string): Record<string, unknown> {
  const p = example('pull_request', 'opened') as { action: string; number: number; pull_request: { number: number; head: { sha: string }; user: { login: string } }; sender: { login: string } };
  p.action = action;
  p.number = number;
  p.pull_request.number = number;
  p.pull_request.head.sha = sha;
  p.pull_request.user.login = author;
  p.sender.login = author;
  return p;
}

const comment = (number: number, user: string, body: string) => commentPayload(gh.url, REPO, number, user, body, 9000 + deliveries);

const send = (event: string, payload: unknown) => deliver(svc.url, 'github', WEBHOOK_SECRET, event, payload, `d-${++deliveries}`);

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Resolves once the run has ended and its final status was reported (it may have already). */
function ended(name: string): Promise<RunRow> {
  return new Promise((resolve) => {
    const on = (r: RunRow) => {
      if (r.name === name && FINAL.includes(r.state)) {
        svc.core.events.off('reported', on);
        resolve(r);
      }
    };
    svc.core.events.on('reported', on);
  });
}

async function runsOf(pr: number): Promise<RunRow[]> {
  return (await svc.core.store.listRuns({ repository: REPO, pullRequest: pr, includePrivate: true }, 100)).items.reverse();
}

const comments = (pr: number) => gh.state.repo(REPO).comments.filter((c) => c.issueNumber === pr);
const stepLog = (run: RunRow, file: string) => readFileSync(join(root, '.plumbing', 'runs', run.name, `${run.name}-test`, `${file}.log`), 'utf8');

describe('pull requests through plumbing serve (local GitHub protocol server, real git repository)', () => {
  it('untrusted author → no run → /ok-to-test by an org member → a run with secrets; others are told why', async () => {
    await start(tokenMode);
    const pr = gh.state.addPull(REPO, { title: 'Fix typo', user: 'mallory', headSha: shas[1]! }).number;
    expect((await send('pull_request', pullRequest('opened', pr, shas[1]!, 'mallory'))).status).toBe(202);
    expect(await runsOf(pr)).toEqual([]);
    const waiting = gh.state.repo(REPO).statuses.filter((s) => s.sha === shas[1]);
    expect(waiting.map((s) => [s.context, s.state, s.description?.startsWith('Not started: @mallory is not a member of the Codertocat organisation')])).toEqual([['plumbing/ci', 'pending', true]]);
    expect(comments(pr).map((c) => [c.user, c.body.split('\n')[0]])).toEqual([['plumbing-bot', 'Hi @mallory, thanks for the pull request.']]);

    // A stranger's /ok-to-test and an unknown command: one reply that says why, no run.
    await send('issue_comment', comment(pr, 'bob', '/ok-to-test\n/frobnicate'));
    expect(await runsOf(pr)).toEqual([]);
    const reply = comments(pr).find((c) => c.body.includes('plumbing-comment: commands'));
    expect(reply?.body).toContain('@bob may not use `/ok-to-test` here');
    expect(reply?.body).toContain('`/frobnicate` is not a command I know');

    await send('issue_comment', comment(pr, 'alice', '/ok-to-test'));
    const [run] = await runsOf(pr);
    expect(run).toMatchObject({ kind: 'comment', actor: 'alice', sha: shas[1], bindSecrets: true, job: 'ci' });
    const done = await ended(run!.name);
    expect(done.state).toBe('succeeded');
    expect(stepLog(run!, 'secrets')).toContain('token: bound');
    expect(readFileSync(join(root, '.plumbing', 'runs', run!.name, `${run!.name}-checkout`, 'clone.log'), 'utf8')).toBe(`checked out ${shas[1]}\n`);
    expect(comments(pr).find((c) => c.body.includes('plumbing-ok-to-test-grants'))?.body).toContain(`/ok-to-test\` by @alice for ${shas[1]!.slice(0, 7)}`);
    const last = gh.state.repo(REPO).statuses.filter((s) => s.context === 'plumbing/ci').at(-1);
    expect(last).toMatchObject({ state: 'success', targetUrl: `https://ci.example.org/runs/${run!.name}` });
  });

  it('a new push by the untrusted author needs /ok-to-test again; /test by a member runs it without secrets', async () => {
    await start(tokenMode);
    const pr = gh.state.addPull(REPO, { title: 'Fix typo', user: 'mallory', headSha: shas[0]! }).number;
    await send('pull_request', pullRequest('opened', pr, shas[0]!, 'mallory'));
    await send('issue_comment', comment(pr, 'alice', '/ok-to-test'));
    await ended((await runsOf(pr))[0]!.name);
    gh.state.repo(REPO).issues.find((i) => i.number === pr)!.pull!.headSha = shas[1]!;
    await send('pull_request', pullRequest('synchronize', pr, shas[1]!, 'mallory'));
    expect((await runsOf(pr)).filter((r) => r.sha === shas[1])).toEqual([]);
    await send('issue_comment', comment(pr, 'alice', '/test ci'));
    const run = (await runsOf(pr)).find((r) => r.sha === shas[1])!;
    expect(run).toMatchObject({ kind: 'comment', bindSecrets: false });
    expect((await ended(run.name)).state).toBe('succeeded');
    expect(stepLog(run, 'secrets')).toContain('token: none');
    expect(JSON.stringify(run.resource)).not.toContain('ci-token');
  });

  it('/hold sets the hold status; a trusted author runs at once and /cancel is answered when nothing runs', async () => {
    await start(tokenMode);
    const pr = gh.state.addPull(REPO, { title: 'Feature', user: 'Codertocat', headSha: shas[1]! }).number;
    await send('pull_request', pullRequest('opened', pr, shas[1]!, 'Codertocat'));
    const [run] = await runsOf(pr);
    expect(run).toMatchObject({ kind: 'pull-request', bindSecrets: true });
    await ended(run!.name);
    await send('issue_comment', comment(pr, 'alice', '/hold\n/cancel'));
    expect(gh.state.repo(REPO).statuses.find((s) => s.context === 'plumbing/hold')).toMatchObject({ state: 'pending', description: 'Held by @alice: /unhold to release' });
    expect(comments(pr).find((c) => c.body.includes('plumbing-comment: commands'))?.body).toContain('Nothing to cancel');
  });

  it('/hold holds the new runs of a push, /test and /retest (status says by whom), across a restart; /cancel cancels a held run; /unhold starts them', async () => {
    await start(tokenMode);
    writeFileSync(join(gates, `fail-${shas[0]}`), '');
    const pr = gh.state.addPull(REPO, { title: 'Feature', user: 'Codertocat', headSha: shas[0]! }).number;
    await send('pull_request', pullRequest('opened', pr, shas[0]!, 'Codertocat'));
    const [failed] = await runsOf(pr);
    expect((await ended(failed!.name)).state).toBe('failed');
    rmSync(join(gates, `fail-${shas[0]}`));
    await send('issue_comment', comment(pr, 'alice', '/hold'));
    const ciStatus = (sha: string) => gh.state.repo(REPO).statuses.filter((s) => s.sha === sha && s.context === 'plumbing/ci').at(-1);
    const heldReported = (sha: string) => waitForEvent<RunRow>(svc.core.events, 'reported', (r) => r.sha === sha && r.state === 'queued' && r.heldBy === 'alice');

    // /retest of the failed run: created, held.
    let reported = heldReported(shas[0]!);
    await send('issue_comment', comment(pr, 'alice', '/retest'));
    const retry = await reported;
    expect(retry).toMatchObject({ retryOf: failed!.name, state: 'queued', reason: 'Held' });
    expect(ciStatus(shas[0]!)).toMatchObject({ state: 'pending', description: 'Held by @alice: starts on /unhold' });

    // A push: its run is held too; /cancel cancels the held runs.
    gh.state.repo(REPO).issues.find((i) => i.number === pr)!.pull!.headSha = shas[1]!;
    reported = heldReported(shas[1]!);
    await send('pull_request', pullRequest('synchronize', pr, shas[1]!, 'Codertocat'));
    const pushed = await reported;
    expect(pushed).toMatchObject({ kind: 'pull-request', state: 'queued', heldBy: 'alice' });
    expect(ciStatus(shas[1]!)).toMatchObject({ state: 'pending', description: 'Held by @alice: starts on /unhold' });
    await send('issue_comment', comment(pr, 'alice', '/cancel'));
    expect((await svc.core.store.getRun(pushed.name))?.state).toBe('cancelled');
    expect((await svc.core.store.getRun(retry.name))?.state).toBe('cancelled');

    // /test: held; still held after a restart (not in the queue, not started).
    reported = heldReported(shas[1]!);
    await send('issue_comment', comment(pr, 'alice', '/test ci'));
    const tested = await reported;
    await restart();
    await svc.core.runner.kick();
    expect(await svc.core.store.getRun(tested.name)).toMatchObject({ state: 'queued', heldBy: 'alice', started: null });
    expect((await svc.core.store.queued()).map((q) => q.runName)).not.toContain(tested.name);

    // /unhold: the held run goes to the queue and runs.
    const done = ended(tested.name);
    await send('issue_comment', comment(pr, 'alice', '/unhold'));
    expect((await done).state).toBe('succeeded');
    expect(ciStatus(shas[1]!)).toMatchObject({ state: 'success', targetUrl: `https://ci.example.org/runs/${tested.name}` });
    expect(gh.state.repo(REPO).statuses.filter((s) => s.context === 'plumbing/hold').at(-1)).toMatchObject({ state: 'success', description: 'Not held (released by @alice)' });
  });

  it('reconciles with GitHub: a pull request closed or merged while its delivery was missed is recorded closed and its held run cancelled', async () => {
    await start(tokenMode);
    const open = gh.state.addPull(REPO, { title: 'Stays open', user: 'Codertocat', headSha: shas[0]! }).number;
    const closed = gh.state.addPull(REPO, { title: 'Closed unseen', user: 'Codertocat', headSha: shas[1]! }).number;
    const merged = gh.state.addPull(REPO, { title: 'Merged unseen', user: 'Codertocat', headSha: shas[1]! }).number;
    await send('issue_comment', comment(closed, 'alice', '/hold'));
    for (const [n, sha] of [[open, shas[0]!], [closed, shas[1]!], [merged, shas[1]!]] as const) await send('pull_request', pullRequest('opened', n, sha, 'Codertocat'));
    await send('pull_request', pullRequest('opened', 99, shas[0]!, 'Codertocat'));
    const held = (await runsOf(closed))[0]!;
    expect(held).toMatchObject({ state: 'queued', heldBy: 'alice' });
    const issue = (n: number) => gh.state.repo(REPO).issues.find((i) => i.number === n)!;
    Object.assign(issue(closed), { state: 'closed', closedAt: '2024-02-01T00:00:00Z' });
    Object.assign(issue(merged), { state: 'closed', closedAt: '2024-02-01T00:00:00Z' });
    issue(merged).pull!.mergedAt = '2024-02-01T00:00:00Z';

    const recorded = await svc.core.reconcile();
    expect(recorded.map((p) => [p.number, p.state, p.merged])).toEqual([[merged, 'closed', true], [closed, 'closed', false]]);
    expect((await pullRequestState(svc.core.store, REPO, open))?.state).toBe('open');
    // One GitHub does not know (404) is left as it is: only a pull request GitHub says is closed is closed.
    expect((await pullRequestState(svc.core.store, REPO, 99))?.state).toBe('open');
    expect((await pullRequestState(svc.core.store, REPO, closed))?.state).toBe('closed');
    expect(await svc.core.store.getRun(held.name)).toMatchObject({ state: 'cancelled', message: expect.stringContaining('found closed on GitHub') });
    // Nothing left to close: a second pass records nothing.
    expect(await svc.core.reconcile()).toEqual([]);
  });

  it('/unhold by a stranger is refused and the hold stays; /unhold by an org member releases it', async () => {
    await start(tokenMode);
    const pr = gh.state.addPull(REPO, { title: 'Feature', user: 'Codertocat', headSha: shas[1]! }).number;
    const hold = () => gh.state.repo(REPO).statuses.filter((s) => s.sha === shas[1] && s.context === 'plumbing/hold').at(-1);
    await send('issue_comment', comment(pr, 'alice', '/hold'));
    expect(hold()).toMatchObject({ state: 'pending', description: 'Held by @alice: /unhold to release' });
    await send('issue_comment', comment(pr, 'bob', '/unhold'));
    expect(comments(pr).find((c) => c.body.includes('plumbing-comment: commands'))?.body).toContain('@bob may not use `/unhold` here');
    expect(hold()).toMatchObject({ state: 'pending', description: 'Held by @alice: /unhold to release' });
    await send('issue_comment', comment(pr, 'alice', '/unhold'));
    expect(hold()).toMatchObject({ state: 'success', description: 'Not held (released by @alice)' });
  });

  it('a failure → /retest reruns only the failed task, reusing the checkout; the API reruns failed only as well', async () => {
    await start((g) => `${tokenMode(g)}    apiTokenSecret: {secretName: api, secretKey: token}\n`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(root, 'secrets', 'api'), { recursive: true });
    writeFileSync(join(root, 'secrets', 'api', 'token'), 'api-secret');
    writeFileSync(join(gates, `fail-${shas[1]}`), '');
    const pr = gh.state.addPull(REPO, { title: 'Flaky', user: 'Codertocat', headSha: shas[1]! }).number;
    await send('pull_request', pullRequest('opened', pr, shas[1]!, 'Codertocat'));
    const [first] = await runsOf(pr);
    expect((await ended(first!.name)).state).toBe('failed');
    const before = await svc.core.store.taskRunsOf(first!.name);
    rmSync(join(gates, `fail-${shas[1]}`));
    await send('issue_comment', comment(pr, 'alice', '/retest'));
    const retry = (await runsOf(pr)).find((r) => r.retryOf === first!.name)!;
    expect(retry).toMatchObject({ kind: 'pull-request', actor: 'alice', sha: shas[1] });
    expect((await ended(retry.name)).state).toBe('succeeded');
    const after = await svc.core.store.taskRunsOf(retry.name);
    const byTask = (rows: typeof before) => Object.fromEntries(rows.map((t) => [t.pipelineTask, t.name]));
    // checkout is the first run's TaskRun, reused; test ran again as a new TaskRun.
    expect(byTask(after).checkout).toBe(byTask(before).checkout);
    expect(byTask(after).test).not.toBe(byTask(before).test);
    expect(readFileSync(join(root, '.plumbing', 'runs', retry.name, byTask(after).test!, 'unit.log'), 'utf8')).toContain('unit tests passed');
    // Nothing failed any more: /retest says so; the API refuses to rerun failed-only a run that succeeded.
    await send('issue_comment', comment(pr, 'alice', '/retest'));
    expect(comments(pr).find((c) => c.body.includes('plumbing-comment: commands'))?.body).toContain('Nothing to retest');
    const refused = await fetch(`${svc.url}/api/v1/runs/${retry.name}/rerun`, { method: 'POST', headers: { authorization: 'Bearer api-secret' }, body: JSON.stringify({ failedOnly: true }) });
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([409, 'SERVE_RERUN']);
    const again = await fetch(`${svc.url}/api/v1/runs/${first!.name}/rerun`, { method: 'POST', headers: { authorization: 'Bearer api-secret' }, body: JSON.stringify({ failedOnly: true }) });
    const made = (await again.json()) as { name: string; retryOf: string };
    expect([again.status, made.retryOf]).toEqual([201, first!.name]);
    expect((await ended(made.name)).state).toBe('succeeded');
  });

  it('/build-image DIR runs the image-build pipeline and replies with the image and the logs link; a bad DIR is told why', async () => {
    await start(tokenMode);
    const pr = gh.state.addPull(REPO, { title: 'Image', user: 'Codertocat', headSha: shas[1]! }).number;
    gh.state.repo(REPO).files.set(shas[1]!, new Map([['images/app/Dockerfile', 'FROM scratch\n']]));
    await send('issue_comment', comment(pr, 'alice', '/build-image nope'));
    expect(comments(pr).find((c) => c.body.includes('plumbing-comment: commands'))?.body).toContain('`nope` is not an image directory under `images/`');
    await send('issue_comment', comment(pr, 'alice', '/build-image images/app'));
    const build = (await runsOf(pr)).find((r) => r.job === 'image-build')!;
    expect(build).toMatchObject({ kind: 'comment', actor: 'alice', sha: shas[1] });
    const image = `ghcr.io/codertocat/app:pr-${pr}-${shas[1]!.slice(0, 7)}`;
    expect(comments(pr).find((c) => c.body.includes('plumbing-comment: image-build'))?.body).toContain(`Building \`${image}\` from \`images/app\` at ${shas[1]!.slice(0, 7)}. [Logs](https://ci.example.org/runs/${build.name})`);
    expect(JSON.stringify(build.resource)).toContain(`"image","value":"${image}"`);
  });

  it('as a GitHub App: check runs with the task table, the failing step redacted and plumbing check findings as annotations', async () => {
    await start(
      (g) => `    publicUrl: https://ci.example.org
    org: Codertocat
    bot: plumbing-ci
    githubApiUrl: ${g.url}
    githubApp: {appId: 77, privateKeySecret: {secretName: app, secretKey: key.pem}}
`,
      true,
    );
    writeFileSync(join(gates, `fail-${shas[1]}`), '');
    writeFileSync(join(gates, 'findings.json'), JSON.stringify([{ code: 'STEP_SCRIPT_WITH_COMMAND', severity: 'error', message: 'step has both', file: 'tasks/x/0.1/x.yaml', line: 12, column: 5 }]));
    const pr = gh.state.addPull(REPO, { title: 'Broken', user: 'Codertocat', headSha: shas[1]! }).number;
    await send('pull_request', pullRequest('opened', pr, shas[1]!, 'Codertocat'));
    const [run] = await runsOf(pr);
    expect((await ended(run!.name)).state).toBe('failed');
    const checks = gh.state.repo(REPO).checkRuns;
    expect(checks).toHaveLength(1);
    const c = checks[0]!;
    expect({ name: c.name, status: c.status, conclusion: c.conclusion, detailsUrl: c.detailsUrl }).toEqual({ name: 'plumbing/ci', status: 'completed', conclusion: 'failure', detailsUrl: `https://ci.example.org/runs/${run!.name}` });
    expect(c.output?.summary).toContain('| checkout | ✅ succeeded |');
    expect(c.output?.summary).toContain('| test | ❌ failed |');
    expect(c.output?.summary).toContain('unit tests failed');
    expect(c.output?.summary).toContain('request with token ***');
    expect(c.output?.summary).not.toContain(CI_TOKEN);
    expect(c.annotations.map((a) => [a.path, a.startLine, a.level, a.title])).toEqual([['tasks/x/0.1/x.yaml', 12, 'failure', 'STEP_SCRIPT_WITH_COMMAND']]);
    // The failure comment (crier): one table, posted by the App.
    expect(comments(pr).filter((x) => x.body.includes('plumbing-comment: test-report')).map((x) => x.user)).toEqual(['plumbing-ci[bot]']);
    rmSync(join(gates, `fail-${shas[1]}`));
    expect(existsSync(join(gates, `fail-${shas[1]}`))).toBe(false);
  });
});
