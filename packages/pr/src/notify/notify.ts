// Gather, decide, apply over every notifier: `planNotifications` is the printable plan,
// `applyNotifications` carries it out; one notifier failing does not stop the others.

import { NOTIFIERS } from './registry.js';
import type { NotifyConfig, NotifyContext, NotifyEvent, Notifier, NotifyStep } from './types.js';

export async function planNotifications(event: NotifyEvent, config: NotifyConfig, ctx: NotifyContext, notifiers: readonly Notifier[] = NOTIFIERS): Promise<NotifyStep[]> {
  const plans = await Promise.all(notifiers.map((n) => n.plan(event, config, ctx)));
  return plans.flat();
}

export interface NotifyOutcome {
  step: NotifyStep;
  error?: Error;
}

/** Applies the steps in order (a notifier's steps depend on their order: comment, then close). */
export async function applyNotifications(steps: readonly NotifyStep[], config: NotifyConfig, ctx: NotifyContext, notifiers: readonly Notifier[] = NOTIFIERS): Promise<NotifyOutcome[]> {
  const out: NotifyOutcome[] = [];
  const failed = new Set<string>();
  for (const step of steps) {
    if (failed.has(step.notifier)) {
      out.push({ step, error: new Error(`skipped: an earlier ${step.notifier} step failed`) });
      continue;
    }
    const n = notifiers.find((x) => x.name === step.notifier);
    try {
      await n?.apply(step, config, ctx);
      out.push({ step });
    } catch (e) {
      failed.add(step.notifier);
      out.push({ step, error: e as Error });
    }
  }
  return out;
}
