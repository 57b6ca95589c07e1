import { healthChecksGate } from './health-checks.js';
import { postDeployTestsGate } from './post-deploy-tests.js';
import { preDeployCheckGate } from './pre-deploy-check.js';
import type { Gate, GateInput, GatePhase } from './types.js';

/** The deploy gates, in the order they run within their phase. A new gate is one file and one line here. */
export const DEPLOY_GATES: readonly Gate[] = [preDeployCheckGate, healthChecksGate, postDeployTestsGate];

/** Runs the gates of one phase in order, leaving out those named in `skip`; the first failure throws. */
export async function runGates(phase: GatePhase, input: GateInput, skip: readonly string[] = []): Promise<void> {
  for (const gate of DEPLOY_GATES) {
    if (gate.phase === phase && !skip.includes(gate.name)) await gate.run(input);
  }
}
