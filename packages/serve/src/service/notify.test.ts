// Notifications from plumbing serve: runs of pushes to the default branch (GitHub's own push
// payload, signed here) and periodic jobs fail and recover; the local GitHub protocol server
// receives the issue, its comments and its closing, a local Slack-compatible webhook the messages.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GitHubServer, makeTempDir, removeTempDir, type SlackWebhookServer, startGitHubServer, startSlackWebhookServer } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliver, example, WEBHOOK_SECRET } from '../../test/helpers.js';
import { makePrRepo, makeSourceRepo } from '../../test/pr-repo.js';
import { run as storedRun } from '../../test/store-suite.js';
import type { RunRow } from '../store/store.js';
import { type RunningService, startServe } from './server.js';

const REPO = 'Codertocat/Hello-World';
const ISSUES = 'Codertocat/ops';
let root: string;
let gh: GitHubServer;
let slack: SlackWebhookServer;
let svc: RunningService;
let shas: string[];
let gates: string;
let n = 0;

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-notify-');
  gh = await startGitHubServer({ repos: [REPO, ISSUES] });
  slack = await startSlackWebhookServer();
  const source = join(root, 'source');
  shas = await makeSourceRepo(source);
  const made = makePrRepo(root, {
    source,
    serve: `    publicUrl: https://ci.example.org
    githubApiUrl: ${gh.url}
    githubTokenSecret: {secretName: gh, secretKey: token}
    notify:
      githubIssue: {repository: ${ISSUES}, labels: [kind/failure]}
      slackWebhookSecret: {secretName: slack, secretKey: url}
`,
  });
  gates = made.gates;
  for (const [name, key, value] of [['gh', 'token', gh.token], ['slack', 'url', `${slack.url}\n`]] as const) {
    mkdirSync(join(made.secrets, name), { recursive: true });
    writeFileSync(join(made.secrets, name, key), value);
  }
  svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: made.secrets, sandbox: false, log: () => {} });
});

afterEach(async () => {
  await svc?.close(0);
  await gh?.close();
  await slack?.close();
  await removeTempDir(root);
});

function notified(pred: (r: RunRow) => boolean): Promise<RunRow> {
  return new Promise((resolve) => {
    const on = (r: RunRow) => {
      if (pred(r)) {
        svc.core.events.off('notified', on);
        resolve(r);
      }
    };
    svc.core.events.on('notified', on);
  });
}

/** A push of `sha` to the default branch; resolves once its run ended and was notified. */
async function push(sha: string): Promise<RunRow> {
  const p = example('push') as { ref: string; after: string; repository: { default_branch: string } };
  p.ref = `refs/heads/${p.repository.default_branch}`;
  p.after = sha;
  const id = `push-${++n}`;
  const done = notified((r) => r.deliveryId === id);
  expect((await deliver(svc.url, 'github', WEBHOOK_SECRET, 'push', p, id)).status).toBe(202);
  return done;
}

const issues = () => gh.state.repo(ISSUES).issues;
const issueComments = () => gh.state.repo(ISSUES).comments.map((c) => c.body.split(' ')[0]);
const texts = () => slack.messages.map((m) => (m.body as { text: string }).text.split(':')[1]);

describe('notifications (local GitHub protocol server, local Slack-compatible webhook)', () => {
  it('a default-branch run fails → issue and message; fails again → a comment only; passes → recovery comment, issue closed, message', async () => {
    writeFileSync(join(gates, `fail-${shas[1]}`), '');
    const first = await push(shas[1]!);
    expect(first).toMatchObject({ state: 'failed', defaultBranch: true });
    expect(issues().map((i) => [i.title, i.state, i.labels])).toEqual([['ci is failing on the default branch', 'open', ['kind/failure']]]);
    expect(issues()[0]?.body).toContain(`https://ci.example.org/runs/${first.name}`);
    expect(texts()).toEqual(['x']);
    await push(shas[1]!);
    expect(issues()).toHaveLength(1);
    expect(issueComments()).toEqual(['Failed']);
    expect(texts()).toEqual(['x']);
    rmSync(join(gates, `fail-${shas[1]}`));
    expect((await push(shas[1]!)).state).toBe('succeeded');
    expect(issueComments()).toEqual(['Failed', 'Recovered:']);
    expect(issues()[0]?.state).toBe('closed');
    expect(texts()).toEqual(['x', 'white_check_mark']);
  });

  it('a push to the default branch is recorded as a push run, not a pull request: in the store and in the API filtered by kind', async () => {
    const run = await push(shas[1]!);
    expect(run).toMatchObject({ kind: 'push', event: 'push', pullRequest: null, defaultBranch: true, sha: shas[1], state: 'succeeded' });
    expect((await svc.core.store.getRun(run.name))?.kind).toBe('push');
    const byKind = async (kind: string) => ((await (await fetch(`${svc.url}/api/v1/runs?kind=${kind}`)).json()) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
    expect(await byKind('push')).toEqual([run.name]);
    expect(await byKind('pull-request')).toEqual([]);
  });

  it('a periodic job that fails opens an issue and posts; its recovery closes it', async () => {
    const tick = async (name: string, state: 'failed' | 'succeeded', at: string) => {
      const r = storedRun(name, at, { kind: 'periodic', resourceKind: 'Job', job: 'nightly-release', repository: null, pullRequest: null, sha: null, state, finished: at });
      await svc.core.store.insertRun(r);
      const done = notified((x) => x.name === name);
      svc.core.events.emit('run', r);
      await done;
    };
    await tick('nightly-1', 'failed', '2026-12-01T02:00:00.000Z');
    expect(issues().map((i) => i.title)).toEqual(['Periodic job nightly-release is failing']);
    await tick('nightly-2', 'succeeded', '2026-12-02T02:00:00.000Z');
    expect(issues()[0]?.state).toBe('closed');
    expect(slack.messages.map((m) => (m.body as { text: string }).text)).toEqual([
      ':x: Periodic job *nightly-release* failed at : <https://ci.example.org/runs/nightly-1|nightly-1>',
      ':white_check_mark: Periodic job *nightly-release* recovered: <https://ci.example.org/runs/nightly-2|nightly-2>',
    ]);
  });
});
