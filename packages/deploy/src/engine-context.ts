import type { KubeObject, KubePort } from '@plumbing/kube';
import { PlumbingError } from '@plumbing/model';

export interface EngineContext {
  port: KubePort;
  /** Objects applied at once within a stage (default 16). */
  concurrency?: number;
  log: (line: string) => void;
  /** Aborted when the deploy must stop (lost lease, newer revision, signal). Checked between steps. */
  signal?: AbortSignal | undefined;
  /** Milliseconds between polls of a wait (default 250). */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Take over fields other managers own in objects that are not in the inventory yet (default false: such a conflict fails). */
  forceAdopt?: boolean;
}

/** What an apply did so far: a failed apply still tells what it created, updated and pruned. */
export interface ApplyProgress {
  created: string[];
  updated: string[];
  pruned: KubeObject[];
  stage?: string;
}

/** A failed gate: which one, and what had been done when it failed. */
export class GateError extends PlumbingError {
  readonly gate: string;
  readonly progress: ApplyProgress;
  constructor(gate: string, message: string, progress: ApplyProgress, cause?: unknown) {
    super('DEPLOY_GATE_FAILED', `${gate}: ${message}`, cause === undefined ? {} : { cause });
    this.gate = gate;
    this.progress = progress;
  }
}

export const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function checkAbort(ctx: EngineContext): void {
  if (ctx.signal?.aborted) throw new PlumbingError('DEPLOY_ABORTED', `deploy stopped: ${ctx.signal.reason instanceof Error ? ctx.signal.reason.message : String(ctx.signal.reason)}`);
}

/** A 409 on an object outside the inventory: say whose fields, and how to take them over. */
export function conflictHint(e: unknown, key: string): unknown {
  if (e instanceof PlumbingError && e.code === 'KUBE_CONFLICT') {
    return new PlumbingError('DEPLOY_CONFLICT', `${key} exists outside this inventory and other field managers set fields it sets differently: ${e.message}`, { cause: e, hint: 'plumbing deploy --force takes the fields over (and adopts the object)' });
  }
  return e;
}
