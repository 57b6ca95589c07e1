import { PlumbingError } from '@plumbing/model';

/** A release refused before it changed anything: the reason and the way forward. */
export class ReleaseRefused extends PlumbingError {
  readonly refusals: readonly { check: string; reason: string; hint: string }[];
  constructor(refusals: readonly { check: string; reason: string; hint: string }[]) {
    const first = refusals[0];
    const message = refusals.length === 1 && first ? `release refused: ${first.reason}` : `release refused (${refusals.length} checks): ${refusals.map((r) => r.reason).join('; ')}`;
    super('RELEASE_REFUSED', message, { hint: refusals.map((r) => r.hint).join('; ') });
    this.name = 'ReleaseRefused';
    this.refusals = refusals;
  }
}

/** A failed release step (I/O, API): the journal records it and a re-run resumes. */
export class ReleaseStepFailed extends PlumbingError {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super('RELEASE_STEP_FAILED', `step ${step} failed: ${msg}`, { cause, hint: 're-run the same command: done steps are verified and skipped, the rest resumes' });
    this.name = 'ReleaseStepFailed';
    this.step = step;
  }
}

/** Removes anything that looks like a token from a message (defence in depth: tokens never reach logs). */
export function redact(s: string, secrets: readonly (string | undefined)[] = []): string {
  let out = s;
  for (const sec of secrets) if (sec && sec.length >= 4) out = out.split(sec).join('[REDACTED]');
  return out.replace(/\b(gh[pousr]_[A-Za-z0-9_]{8,})/g, '[REDACTED]').replace(/(authorization:\s*)(token|bearer)\s+\S+/gi, '$1[REDACTED]');
}
