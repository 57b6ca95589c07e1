// The real `plumbing serve` process (packages/cli/bin/plumbing.js), killed with SIGKILL while a
// run executes, then started again on the same store: the run is marked failed with the reason,
// a delivery queued behind it still runs, and SIGTERM stops the service cleanly.
import type { ChildProcess } from 'node:child_process';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliver, makeServeRepo, openedPullRequest as pr, WEBHOOK_SECRET } from '../../test/helpers.js';
import { type ServeProcess, spawnServe } from '../../test/serve-process.js';

let root: string;
let secrets: string;
const children: ChildProcess[] = [];

async function serve(): Promise<ServeProcess> {
  const p = await spawnServe(root, secrets);
  children.push(p.child);
  return p;
}

beforeEach(async () => {
  root = await makeTempDir('plumbing-serve-restart-');
  ({ secrets } = makeServeRepo(root, { serve: '  serve:\n    apiTokenSecret: {secretName: serve-api, secretKey: token}\n    concurrency: {global: 1, perRepository: 1}\n' }));
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await removeTempDir(root);
});

describe('plumbing serve killed mid-run', () => {
  it('marks the interrupted run failed with the reason on restart and resumes the queue', async () => {
    const first = await serve();
    await deliver(first.url, 'github', WEBHOOK_SECRET, 'pull_request', pr('1'.repeat(40), 11, 'hold [hold]'), 'kill-1');
    const started = await first.line(/run ci-\w+ started/);
    const name = /run (ci-\w+) started/.exec(started)?.[1] ?? '';
    // Concurrency 1: this one waits in the queue behind the held run.
    await deliver(first.url, 'github', WEBHOOK_SECRET, 'pull_request', pr('2'.repeat(40), 12, 'next'), 'kill-2');
    await first.line(/run ci-\w+ queued .*#12/);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await serve();
    await second.line(new RegExp(`run ${name} was executing when the service stopped: marked failed`));
    const view = (await (await fetch(`${second.url}/api/v1/runs/${name}`)).json()) as { plumbing: { state: string; reason: string; message: string } };
    expect(view.plumbing).toMatchObject({ state: 'failed', reason: 'ServiceRestarted', message: expect.stringMatching(/stopped while this run was executing/) });
    const queuedLine = await second.line(/run ci-\w+ succeeded/);
    const next = /run (ci-\w+) succeeded/.exec(queuedLine)?.[1];
    const list = (await (await fetch(`${second.url}/api/v1/runs?pullRequest=12`)).json()) as { items: { metadata: { name: string }; plumbing: { state: string } }[] };
    expect(list.items.map((i) => [i.metadata.name, i.plumbing.state])).toEqual([[next, 'succeeded']]);

    // SIGTERM: a clean stop.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
