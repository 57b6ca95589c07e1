import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunFacts } from '../runs.js';
import { decideIssueSteps } from './github-issue.js';
import { applyNotifications, planNotifications } from './notify.js';
import { decideSlackSteps } from './slack.js';
import { type NotifyEvent, transitionOf } from './types.js';

const SHA = '1234567'.padEnd(40, '0');
const run = (state: RunFacts['state']): RunFacts => ({
  name: `nightly-${state}`,
  job: 'nightly',
  sha: SHA,
  state,
  url: `https://ci/runs/nightly-${state}`,
  durationMs: 61_000,
  tasks: state === 'failed' ? [{ name: 'build', state: 'failed' }] : [],
});
const event = (state: RunFacts['state'], previous?: 'succeeded' | 'failed'): NotifyEvent => ({
  job: 'nightly',
  kind: 'periodic',
  repository: 'tektoncd/plumbing',
  run: run(state),
  ...(previous ? { previous } : {}),
});
const cfg = { repository: 'tektoncd/plumbing', labels: ['kind/periodic-failure'] };

describe('transitionOf', () => {
  const cases: [RunFacts['state'], 'succeeded' | 'failed' | undefined, string][] = [
    ['failed', undefined, 'failed'],
    ['failed', 'succeeded', 'failed'],
    ['failed', 'failed', 'still-failing'],
    ['succeeded', 'failed', 'recovered'],
    ['succeeded', 'succeeded', 'ok'],
    ['succeeded', undefined, 'ok'],
    ['cancelled', 'failed', 'none'],
  ];
  it.each(cases)('%s after %s is %s', (now, previous, want) => {
    expect(transitionOf(event(now, previous))).toBe(want);
  });
});

describe('decideIssueSteps', () => {
  const cases: [string, NotifyEvent, number | undefined, string[]][] = [
    ['first failure, no issue: open one', event('failed', 'succeeded'), undefined, ['open']],
    ['fail → fail with the issue open: comment, no new issue', event('failed', 'failed'), 12, ['comment #12']],
    ['a failure while an issue is open from before: comment', event('failed', 'succeeded'), 12, ['comment #12']],
    ['fail → ok: recovery comment, then close', event('succeeded', 'failed'), 12, ['comment #12', 'close #12']],
    ['ok with a stale open issue: closed too', event('succeeded', 'succeeded'), 12, ['comment #12', 'close #12']],
    ['ok → ok: nothing', event('succeeded', 'succeeded'), undefined, []],
    ['cancelled: nothing', event('cancelled', 'failed'), 12, []],
  ];
  it.each(cases)('%s', (_name, e, open, want) => {
    expect(decideIssueSteps(e, open, cfg).map((s) => (s.notifier === 'github-issue' && s.action !== 'open' ? `${s.action} #${s.issue}` : s.action))).toEqual(want);
  });

  it("redacts secret values from the run's message (issues are public)", () => {
    const e = { ...event('failed'), run: { ...run('failed'), message: 'push refused for token s3cr3t-value' } };
    const [step] = decideIssueSteps(e, undefined, cfg, ['s3cr3t-value']);
    expect(step?.notifier === 'github-issue' && step.action === 'open' ? step.body : '').toMatch(/: push refused for token \*\*\*\.$/);
  });

  it('opens the issue with a stable title, the run link and the labels', () => {
    expect(decideIssueSteps(event('failed'), undefined, cfg)).toEqual([
      {
        notifier: 'github-issue',
        action: 'open',
        repository: 'tektoncd/plumbing',
        title: 'Periodic job nightly is failing',
        body: 'Run [nightly-failed](https://ci/runs/nightly-failed) of `nightly` failed at 1234567 (failed: build).',
        labels: ['kind/periodic-failure'],
      },
    ]);
  });
});

describe('decideSlackSteps', () => {
  const cases: [string, NotifyEvent, string[]][] = [
    ['first failure', event('failed', 'succeeded'), [':x: Periodic job *nightly* failed at 1234567: <https://ci/runs/nightly-failed|nightly-failed>']],
    ['still failing: quiet', event('failed', 'failed'), []],
    ['recovery', event('succeeded', 'failed'), [':white_check_mark: Periodic job *nightly* recovered: <https://ci/runs/nightly-succeeded|nightly-succeeded>']],
    ['ok: quiet', event('succeeded', 'succeeded'), []],
  ];
  it.each(cases)('%s', (_name, e, want) => {
    expect(decideSlackSteps(e).map((s) => (s.notifier === 'slack' ? s.text : ''))).toEqual(want);
  });
});

describe('the Slack notifier against a local incoming-webhook server (real HTTP)', () => {
  let server: Server;
  let url: string;
  const received: { path: string; type: string; body: unknown }[] = [];
  let status = 200;

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c) => {
        s += c;
      });
      req.on('end', () => resolve(s));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: JSON.parse(await readBody(req)) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'invalid_token');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXSECRET`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs {text} on a failure and on the recovery, nothing while still failing', async () => {
    received.length = 0;
    const config = { slack: { webhookUrl: url } };
    for (const e of [event('failed', 'succeeded'), event('failed', 'failed'), event('succeeded', 'failed')]) {
      const outcomes = await applyNotifications(await planNotifications(e, config, {}), config, {});
      expect(outcomes.filter((o) => o.error)).toEqual([]);
    }
    expect(received).toEqual([
      { path: '/services/T000/B000/XXXSECRET', type: 'application/json', body: { text: ':x: Periodic job *nightly* failed at 1234567: <https://ci/runs/nightly-failed|nightly-failed>' } },
      { path: '/services/T000/B000/XXXSECRET', type: 'application/json', body: { text: ':white_check_mark: Periodic job *nightly* recovered: <https://ci/runs/nightly-succeeded|nightly-succeeded>' } },
    ]);
  });

  it('reports a refused webhook as an error that does not show the secret URL', async () => {
    status = 403;
    const config = { slack: { webhookUrl: url } };
    const [outcome] = await applyNotifications(await planNotifications(event('failed'), config, {}), config, {});
    status = 200;
    expect(outcome?.error?.message).toBe('the Slack webhook answered 403: invalid_token');
    expect(outcome?.error?.message).not.toContain('XXXSECRET');
  });

  it('reports an unreachable webhook without the secret URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const config = { slack: { webhookUrl: `http://127.0.0.1:${port}/services/XXXSECRET` } };
    const [outcome] = await applyNotifications(await planNotifications(event('failed'), config, {}), config, {});
    expect(outcome?.error?.message).toMatch(/^the Slack webhook did not answer/);
    expect(outcome?.error?.message).not.toContain('XXXSECRET');
  });
});
