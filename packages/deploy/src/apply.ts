import type { KubeObject } from '@plumbing/kube';
import { refOf } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';
import { type ApplyProgress, checkAbort, conflictHint, type EngineContext, GateError } from './engine-context.js';
import { waitHealthy } from './health.js';
import type { Plan, PlanItem } from './plan.js';
import { pool } from './pool.js';
import { STAGES } from './stages.js';

/**
 * Applies the plan's creates and updates stage by stage (server-side apply, concurrently within
 * a stage); after the first stage waits until Namespaces are Active and CRDs Established.
 * `progress` is filled as it goes, so a failure still tells what was created.
 */
export async function applyStages(ctx: EngineContext, plan: Plan, desired: ReadonlyMap<string, KubeObject>, progress: ApplyProgress): Promise<void> {
  for (let s = 0; s < STAGES.length; s++) {
    const stage = STAGES[s]!;
    progress.stage = stage;
    const todo = plan.items.filter((it) => it.stage === s && (it.action === 'create' || it.action === 'update'));
    if (todo.length === 0) continue;
    checkAbort(ctx);
    const started = Date.now();
    try {
      await pool(todo, ctx.concurrency ?? 16, async (it: PlanItem) => {
        const obj = desired.get(it.key);
        if (!obj) throw new PlumbingError('DEPLOY_INTERNAL', `no desired object for ${it.key}`);
        // Members are ours: force (the repository wins over a hand edit). An object outside the
        // inventory is not: a field another manager (a tool, another applyset) set differently is a conflict.
        const member = it.action !== 'create' && it.note !== 'adopt';
        const r = await ctx.port.apply(obj, { force: member || ctx.forceAdopt === true }).catch((e: unknown) => {
          throw conflictHint(e, it.key);
        });
        if (it.action === 'create' && !r.created) {
          // planned without a dry run: it existed outside the inventory, and is adopted
          it.action = 'update';
          it.note = 'adopted';
          plan.counts.create--;
          plan.counts.update++;
        }
        (r.created ? progress.created : progress.updated).push(it.key);
      });
      if (s === 0) {
        await pool(todo, ctx.concurrency ?? 16, async (it) => {
          const obj = desired.get(it.key)!;
          await waitHealthy(ctx, refOf(obj), 60_000);
        });
      }
    } catch (e) {
      throw new GateError(`stage ${stage}`, e instanceof Error ? e.message : String(e), progress, e);
    }
    ctx.log(`applied stage ${stage}: ${todo.length} object(s) in ${Date.now() - started} ms`);
  }
}

/** Deletes the plan's prunes, workloads first and Namespaces last. */
export async function prune(ctx: EngineContext, plan: Plan, live: ReadonlyMap<string, KubeObject>, progress: ApplyProgress): Promise<void> {
  progress.stage = 'prune';
  const todo = plan.items.filter((it) => it.action === 'prune');
  for (let s = STAGES.length - 1; s >= 0; s--) {
    const batch = todo.filter((it) => it.stage === s);
    checkAbort(ctx);
    try {
      await pool(batch, ctx.concurrency ?? 16, async (it) => {
        const obj = live.get(it.key);
        if (!obj) return;
        await ctx.port.delete(refOf(obj));
        progress.pruned.push(obj);
      });
    } catch (e) {
      throw new GateError('prune', e instanceof Error ? e.message : String(e), progress, e);
    }
  }
  if (todo.length) ctx.log(`pruned ${todo.length} object(s)`);
}
