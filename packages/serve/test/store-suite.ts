// One store test suite, run against SQLite (store.test.ts) and PostgreSQL (store.e2e.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { openPullRequests, type PullRequestState, pullRequestState, recordPullRequest } from '../src/store/pull-requests.js';
import { type RunRow, Store } from '../src/store/store.js';

export function run(name: string, created: string, over: Partial<RunRow> = {}): RunRow {
  return {
    name, namespace: 'tekton-ci', kind: 'pull-request', resourceKind: 'PipelineRun', job: 'ci', repository: 'o/r', pullRequest: 1, sha: 'abc', event: 'pull_request',
    deliveryId: null, actor: 'octocat', triggerName: 't', supersedeKey: null, private: false, state: 'queued', reason: null, message: null, created,
    started: null, finished: null, owner: null, recordDir: null, resource: { kind: 'PipelineRun', metadata: { name } }, status: null, ...over,
  };
}

function pr(number: number, state: 'open' | 'closed', updated: string, over: Partial<PullRequestState> = {}): PullRequestState {
  return { repository: 'o/r', number, state, merged: false, title: `PR ${number}`, author: 'octocat', private: false, updated, received: updated, deliveryId: `d-${number}-${updated}`, ...over };
}

export function storeSuite(backend: string, open: () => Promise<Db>): void {
  describe(`Store on ${backend}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = new Store(await open());
      await store.migrate();
    });
    afterEach(async () => {
      await store.close();
    });

    it('applies each migration once and records it', async () => {
      expect(await store.migrate()).toEqual([]);
      const rows = await store.db.all('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('stores a delivery once: the same id again is a redelivery', async () => {
      const d = { id: 'd1', listener: 'github', event: 'pull_request', action: 'opened', received: '2026-01-01T00:00:00.000Z', headers: { 'X-Github-Event': 'pull_request' }, body: '{"a":1}', eventId: 'e1' };
      expect(await store.insertDelivery(d)).toBe(true);
      expect(await store.insertDelivery({ ...d, eventId: 'e2' })).toBe(false);
      expect(await store.getDelivery('d1')).toMatchObject({ id: 'd1', state: 'received', eventId: 'e1', headers: { 'X-Github-Event': 'pull_request' } });
      await store.finishDelivery('d1', { runs: ['ci-x'] });
      expect(await store.getDelivery('d1')).toMatchObject({ state: 'processed', outcome: { runs: ['ci-x'] } });
      expect(await store.deliveriesInState('received')).toEqual([]);
    });

    it('keeps a run with its trigger, updates it only in the allowed states', async () => {
      expect(await store.insertRun(run('ci-a', '2026-01-01T00:00:01.000Z', { deliveryId: 'd1', pullRequest: 42 }))).toBe(true);
      expect(await store.insertRun(run('ci-a', '2026-01-01T00:00:02.000Z'))).toBe(false);
      expect(await store.updateRun('ci-a', { state: 'running', started: '2026-01-01T00:00:03.000Z' }, ['queued'])).toBe(true);
      expect(await store.updateRun('ci-a', { state: 'running' }, ['queued'])).toBe(false);
      await store.updateRun('ci-a', { state: 'succeeded', status: { conditions: [{ type: 'Succeeded', status: 'True' }] } });
      expect(await store.getRun('ci-a')).toMatchObject({ state: 'succeeded', pullRequest: 42, deliveryId: 'd1', status: { conditions: [{ status: 'True' }] }, resource: { kind: 'PipelineRun' } });
      expect((await store.runsOfDelivery('d1')).map((r) => r.name)).toEqual(['ci-a']);
    });

    it('lists newest first with filters and a keyset cursor that neither skips nor repeats', async () => {
      const same = '2026-01-01T00:00:05.000Z';
      for (let i = 0; i < 7; i++) await store.insertRun(run(`r-${i}`, i < 4 ? same : `2026-01-01T00:00:0${i}.000Z`, { repository: i % 2 ? 'o/odd' : 'o/even', state: i === 6 ? 'failed' : 'queued' }));
      await store.insertRun(run('secret', '2026-01-01T00:00:09.000Z', { private: true }));
      const names: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({}, 3, cursor);
        names.push(...page.items.map((r) => r.name));
        cursor = page.next;
      } while (cursor);
      expect(names).toEqual(['r-6', 'r-5', 'r-3', 'r-2', 'r-1', 'r-0', 'r-4']);
      expect((await store.listRuns({ includePrivate: true }, 1)).items.map((r) => r.name)).toEqual(['secret']);
      expect((await store.listRuns({ repository: 'o/odd' }, 10)).items.map((r) => r.name)).toEqual(['r-5', 'r-3', 'r-1']);
      expect((await store.listRuns({ state: 'failed' }, 10)).items.map((r) => r.name)).toEqual(['r-6']);
      expect((await store.listRuns({ pullRequest: 2 }, 10)).items).toEqual([]);
    });

    it('hands a queued run to exactly one dequeue, and counts the queue', async () => {
      await store.insertRun(run('q1', '2026-01-01T00:00:01.000Z'));
      await store.enqueue('q1', 'o/r', '2026-01-01T00:00:01.000Z', '2026-01-02T00:00:01.000Z');
      await store.enqueue('q1', 'o/r', '2026-01-01T00:00:01.000Z', '2026-01-02T00:00:01.000Z');
      expect(await store.queueDepth()).toBe(1);
      const [a, b] = await Promise.all([store.dequeue('q1'), store.dequeue('q1')]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await store.queueDepth()).toBe(0);
    });

    it('records task runs and steps with their log paths, keeping the first start time', async () => {
      await store.upsertTaskRun({ runName: 'r', name: 'r-test', pipelineTask: 'test', state: 'running', started: 't1', finished: null });
      await store.upsertTaskRun({ runName: 'r', name: 'r-test', pipelineTask: 'test', state: 'succeeded', started: null, finished: 't2' });
      await store.upsertStep({ runName: 'r', taskRun: 'r-test', name: 'say', state: 'running', logPath: '.plumbing/runs/r/r-test/say.log', exitCode: null, started: 't1', finished: null });
      await store.upsertStep({ runName: 'r', taskRun: 'r-test', name: 'say', state: 'failed', logPath: '.plumbing/runs/r/r-test/say.log', exitCode: 3, started: null, finished: 't2' });
      expect(await store.taskRunsOf('r')).toEqual([{ runName: 'r', name: 'r-test', pipelineTask: 'test', state: 'succeeded', started: 't1', finished: 't2' }]);
      expect(await store.stepsOf('r')).toEqual([{ runName: 'r', taskRun: 'r-test', name: 'say', state: 'failed', logPath: '.plumbing/runs/r/r-test/say.log', exitCode: 3, started: 't1', finished: 't2' }]);
    });

    it('keeps the newest state of a pull request: a late older delivery changes nothing, the same one again neither', async () => {
      expect(await recordPullRequest(store, pr(5, 'open', '2026-01-01T00:00:01.000Z'))).toBe(true);
      expect(await recordPullRequest(store, pr(5, 'closed', '2026-01-01T00:00:03.000Z', { merged: true }))).toBe(true);
      expect(await recordPullRequest(store, pr(5, 'open', '2026-01-01T00:00:02.000Z'))).toBe(false);
      expect(await recordPullRequest(store, pr(5, 'closed', '2026-01-01T00:00:03.000Z', { merged: true }))).toBe(true);
      expect(await pullRequestState(store, 'o/r', 5)).toMatchObject({ state: 'closed', merged: true, title: 'PR 5', updated: '2026-01-01T00:00:03.000Z' });
      expect(await pullRequestState(store, 'o/r', 6)).toBeUndefined();
    });

    it('lists the open pull requests with the newest run of each, none for one without a run', async () => {
      await store.insertRun(run('pr1-old', '2026-01-01T00:00:01.000Z', { pullRequest: 1, state: 'failed' }));
      await store.insertRun(run('pr1-new', '2026-01-01T00:00:05.000Z', { pullRequest: 1, state: 'running' }));
      await store.insertRun(run('pr2', '2026-01-01T00:00:02.000Z', { pullRequest: 2 }));
      await store.insertRun(run('other-repo-pr3', '2026-01-01T00:00:09.000Z', { repository: 'o/other', pullRequest: 3 }));
      await recordPullRequest(store, pr(1, 'open', '2026-01-01T00:00:00.000Z'));
      await recordPullRequest(store, pr(2, 'closed', '2026-01-01T00:00:06.000Z'));
      await recordPullRequest(store, pr(3, 'open', '2026-01-01T00:00:07.000Z'));
      const open = await openPullRequests(store);
      expect(open.map((p) => [p.repository, p.number, p.title, p.run?.name, p.run?.state])).toEqual([
        ['o/r', 3, 'PR 3', undefined, undefined],
        ['o/r', 1, 'PR 1', 'pr1-new', 'running'],
      ]);
    });

    it('backfills the pull requests from the pull_request deliveries stored before migration 3', async () => {
      const d = (id: string, n: number, action: string, received: string) =>
        store.insertDelivery({ id, listener: 'github', event: 'pull_request', action, received, headers: {}, body: '{}', eventId: id, repository: 'o/r', pullRequest: n });
      await store.db.exec('DROP TABLE pull_requests; DELETE FROM schema_migrations WHERE version = 3;');
      await d('a', 1, 'opened', '2026-01-01T00:00:01.000Z');
      await d('b', 1, 'closed', '2026-01-01T00:00:02.000Z');
      await d('c', 1, 'labeled', '2026-01-01T00:00:03.000Z');
      await d('e', 2, 'opened', '2026-01-01T00:00:01.000Z');
      await d('f', 2, 'synchronize', '2026-01-01T00:00:04.000Z');
      expect(await store.migrate()).toEqual([3]);
      expect(await pullRequestState(store, 'o/r', 1)).toMatchObject({ state: 'closed', deliveryId: 'b', updated: '2026-01-01T00:00:02.000Z' });
      expect((await openPullRequests(store)).map((p) => [p.number, p.deliveryId])).toEqual([[2, 'f']]);
    });

    it('counts runs by kind and state and finds the last success of each periodic job', async () => {
      await store.insertRun(run('p1', '2026-01-01T00:00:01.000Z', { kind: 'periodic', job: 'nightly', state: 'succeeded', finished: '2026-01-01T01:00:00.000Z' }));
      await store.insertRun(run('p2', '2026-01-02T00:00:01.000Z', { kind: 'periodic', job: 'nightly', state: 'succeeded', finished: '2026-01-02T01:00:00.000Z' }));
      await store.insertRun(run('p3', '2026-01-03T00:00:01.000Z', { kind: 'periodic', job: 'nightly', state: 'failed', finished: '2026-01-03T01:00:00.000Z' }));
      expect(await store.lastPeriodicSuccess()).toEqual([{ job: 'nightly', finished: '2026-01-02T01:00:00.000Z' }]);
      expect((await store.countRunsBy()).sort((a, b) => a.state.localeCompare(b.state))).toEqual([
        { kind: 'periodic', state: 'failed', n: 1 },
        { kind: 'periodic', state: 'succeeded', n: 2 },
      ]);
    });
  });
}
