// A pull request's state (open, closed, merged) from the pull_request deliveries posted to a real
// plumbing serve: GitHub's own example payloads, signed; deliveries that start no run count too.
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliver, example, makeServeRepo, WEBHOOK_SECRET } from '../../test/helpers.js';
import { openPullRequests, pullRequestState } from '../store/pull-requests.js';
import { type RunningService, startServe } from './server.js';

const REPO = 'Codertocat/Hello-World';
let root: string;
let svc: RunningService;

function prPayload(action: string, number: number, updatedAt: string, over: { merged?: boolean; title?: string } = {}): Record<string, unknown> {
  const p = example('pull_request', 'opened') as { action: string; number: number; pull_request: Record<string, unknown> & { head: { sha: string } } };
  p.action = action;
  p.number = number;
  p.pull_request.number = number;
  p.pull_request.head.sha = String(number).repeat(40).slice(0, 40);
  p.pull_request.title = over.title ?? `PR ${number}`;
  p.pull_request.updated_at = updatedAt;
  p.pull_request.state = action === 'closed' ? 'closed' : 'open';
  p.pull_request.merged = over.merged ?? false;
  return p;
}

let deliveries = 0;
async function send(action: string, number: number, updatedAt: string, over: { merged?: boolean; id?: string } = {}): Promise<void> {
  const res = await deliver(svc.url, 'github', WEBHOOK_SECRET, 'pull_request', prPayload(action, number, updatedAt, over), over.id ?? `delivery-${++deliveries}`);
  expect(res.status).toBe(202);
}

const open = async () => (await openPullRequests(svc.core.store)).map((p) => [p.repository, p.number, p.run?.pullRequest ?? null]);

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-prs-');
  const { secrets } = makeServeRepo(root);
  svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: secrets, sandbox: false, log: () => {} });
});

afterEach(async () => {
  await svc?.close(0);
  await removeTempDir(root);
});

describe('pull request state from pull_request deliveries (real serve, signed example payloads)', () => {
  it('opened → listed with its run; closed → gone; a late older delivery and a redelivery do not reopen it; reopened → back with its new run', async () => {
    await send('opened', 2, '2026-12-07T10:00:00Z', { id: 'opened-2' });
    const [first] = await openPullRequests(svc.core.store);
    expect(first).toMatchObject({ repository: REPO, number: 2, state: 'open', title: 'PR 2', author: 'Codertocat', run: { pullRequest: 2, deliveryId: 'opened-2' } });

    await send('closed', 2, '2026-12-07T11:00:00Z');
    expect(await open()).toEqual([]);
    expect(await pullRequestState(svc.core.store, REPO, 2)).toMatchObject({ state: 'closed', merged: false });

    // GitHub may deliver out of order or again: an `edited` from before the close, the `opened` redelivered.
    await send('edited', 2, '2026-12-07T10:30:00Z');
    await send('opened', 2, '2026-12-07T10:00:00Z', { id: 'opened-2' });
    expect(await open()).toEqual([]);

    await send('reopened', 2, '2026-12-07T12:00:00Z', { id: 'reopened-2' });
    const [back] = await openPullRequests(svc.core.store);
    expect(back).toMatchObject({ number: 2, state: 'open', run: { deliveryId: 'reopened-2' } });
  });

  it('a delivery that starts no run records the state too: ready_for_review → open with no run; closed merged → merged', async () => {
    await send('ready_for_review', 4, '2026-12-07T10:00:00Z');
    expect(await openPullRequests(svc.core.store)).toMatchObject([{ number: 4, state: 'open', run: undefined }]);
    expect(await svc.core.store.listRuns({ pullRequest: 4, includePrivate: true }, 10)).toEqual({ items: [] });
    await send('closed', 4, '2026-12-07T11:00:00Z', { merged: true });
    expect(await pullRequestState(svc.core.store, REPO, 4)).toMatchObject({ state: 'closed', merged: true });
    expect(await open()).toEqual([]);
  });
});
