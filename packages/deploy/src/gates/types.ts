import type { KubeObject } from '@plumbing/kube';
import type { ClusterConfig } from '@plumbing/model';
import type { ApplyProgress, EngineContext } from '../engine-context.js';
import type { Plan } from '../plan.js';

/** before-apply: refuses a deploy before any change; after-apply: a failure rolls the deploy back. */
export type GatePhase = 'before-apply' | 'after-apply';

export interface GateInput {
  root: string;
  config: ClusterConfig;
  log: (line: string) => void;
  /** The repository files the desired set is rendered from. */
  files: readonly string[];
  /** After the apply: what was applied and how to reach the cluster. */
  applied?: {
    ctx: EngineContext;
    plan: Plan;
    desired: ReadonlyMap<string, KubeObject>;
    objects: readonly KubeObject[];
    progress: ApplyProgress;
    defaultNamespace: string | undefined;
  };
}

/** A deploy gate: one file each, listed in gates/registry.ts. A gate that fails throws (a GateError after the apply). */
export interface Gate {
  name: string;
  phase: GatePhase;
  run(input: GateInput): Promise<void>;
}
