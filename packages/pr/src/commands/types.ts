// The shape of a comment command (one file each, listed in registry.ts) and what it decides.

import type { PrPolicy } from '../policy.js';
import type { RepoRef } from '../pull-request.js';
import type { RunFacts } from '../runs.js';
import type { CodeTrust, OkToTestGrant, TrustDecision, UserFacts } from '../trust.js';

export interface JobFacts {
  name: string;
  /** Runs on every push (default true; listed first by `/test ?`); `/test all` runs every job either way. */
  alwaysRun?: boolean;
}

/** Everything a command may look at, gathered before deciding. */
export interface CommandContext {
  policy: PrPolicy;
  repo: RepoRef;
  number: number;
  /** The pull request's head commit and author. */
  headSha: string;
  author: string;
  cloneUrl: string;
  commenter: UserFacts;
  commenterTrust: TrustDecision;
  /** Whether the code at the head may run, and with secrets. */
  code: CodeTrust;
  jobs: JobFacts[];
  /** Stored runs of this pull request. */
  runs: RunFacts[];
  /** Directory names under the policy's image directory on the pull request's head. */
  imageDirs: string[];
  /** `imageDirs` is every image directory (listed), not just the requested ones that exist (probed). */
  imageDirsListed: boolean;
}

export type Action =
  | { kind: 'run'; jobs: string[]; sha: string; bindSecrets: boolean; reason: string }
  | { kind: 'rerun'; run: string; job: string; rerunTasks: string[]; reuseTasks: string[]; bindSecrets: boolean }
  | { kind: 'cancel'; runs: string[]; reason: string }
  | { kind: 'ok-to-test'; grant: OkToTestGrant }
  | { kind: 'hold'; by: string; sha: string }
  | { kind: 'unhold'; by: string; sha: string }
  | { kind: 'build-image'; pipeline: string; image: string; context: string; params: Record<string, string>; bindSecrets: boolean };

/** What one command decided: actions and a line for the reply, or why it was refused. */
export type CommandOutcome = { actions: Action[]; say?: string } | { error: string };

export interface Command {
  /** The name after the slash. */
  name: string;
  /** Other names for it (Prow's `/remove-hold` for `/unhold`). */
  aliases?: string[];
  /** Matched in any case (Prow's hold plugin); otherwise exactly (Prow's trigger commands). */
  caseInsensitive?: boolean;
  usage: string;
  /** Arguments that need no authorization (e.g. `/test ?`, which only lists). */
  open?: (args: readonly string[]) => boolean;
  decide(args: readonly string[], ctx: CommandContext): CommandOutcome;
}
