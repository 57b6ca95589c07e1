/**
 * `/hold` and `/unhold` carried out: a held pull request's new runs (a push, `/test`, `/retest`)
 * are stored queued but held — outside the queue, so no slot, deadline or restart starts them —
 * with a pending status that says who held them; `/hold` also takes the pull request's queued
 * runs off the queue; `/unhold` puts the held ones back in it. `/cancel` cancels a held run as any
 * queued one. The hold itself is in the store (store/holds.ts), so it outlives a restart.
 */
import type { EventEmitter } from 'node:events';
import { clearHold, holdOf, queuedRunsOf, setHold } from '../store/holds.js';
import type { RunRow, Store } from '../store/store.js';

export interface HoldHost {
  readonly store: Store;
  readonly runner: { submit(run: RunRow, from?: string): Promise<void> };
  readonly events: EventEmitter;
  report(run: RunRow): Promise<void>;
}

const heldFields = (by: string) => ({ heldBy: by, reason: 'Held', message: `held by @${by}: starts when a permitted user comments /unhold` });

/** A new run of a held pull request, stored held (its fields set); undefined when its pull request is not held. */
export async function heldRun(store: Store, run: RunRow): Promise<RunRow | undefined> {
  if (!run.repository || run.pullRequest === null) return undefined;
  const hold = await holdOf(store, run.repository, run.pullRequest);
  if (!hold) return undefined;
  const fields = heldFields(hold.by);
  return (await store.updateRun(run.name, fields, ['queued'])) ? { ...run, ...fields } : undefined;
}

function changed(host: HoldHost, run: RunRow): void {
  host.events.emit('run', run);
  void host.report(run);
}

/** Holds a pull request: its queued runs leave the queue (held); returns them. Running runs go on. */
export async function holdPullRequest(host: HoldHost, repository: string, number: number, by: string, now = new Date()): Promise<RunRow[]> {
  await setHold(host.store, { repository, number, by, at: now.toISOString() });
  const held: RunRow[] = [];
  for (const run of await queuedRunsOf(host.store, repository, number)) {
    // Off the queue first: exactly one of this and the queue's pump gets it.
    if (run.heldBy || !(await host.store.dequeue(run.name))) continue;
    const fields = heldFields(by);
    if (!(await host.store.updateRun(run.name, fields, ['queued']))) continue;
    held.push({ ...run, ...fields });
    changed(host, { ...run, ...fields });
  }
  return held;
}

/** Releases a pull request's hold: its held runs go to the queue (their deadline counts from now); returns them. */
export async function unholdPullRequest(host: HoldHost, repository: string, number: number, by: string, now = new Date()): Promise<RunRow[]> {
  await clearHold(host.store, repository, number);
  const released: RunRow[] = [];
  for (const run of await queuedRunsOf(host.store, repository, number)) {
    if (!run.heldBy) continue;
    const fields = { heldBy: null, reason: 'Pending', message: `released by @${by}: waiting in the queue` };
    if (!(await host.store.updateRun(run.name, fields, ['queued'], { heldBy: run.heldBy }))) continue;
    const r = { ...run, ...fields };
    released.push(r);
    changed(host, r);
    await host.runner.submit(r, now.toISOString());
  }
  return released;
}
