import { access, appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { reportFailure } from './alert.js';
import { ReleaseRefused, ReleaseStepFailed, redact } from './errors.js';
import { type Journal, journalDir, newJournal, readJournal, writeJournal } from './journal.js';
import { acquireLock } from './lock.js';
import { type PreparedRelease, skippedOffline } from './plan.js';
import type { ReleaseContext } from './types.js';

export interface ReleaseOutcome {
  status: 'released' | 'nothing-to-do' | 'no-change';
  version: string;
  journal: Journal | undefined;
}

/** The command that resumes this release. */
export function rerunCommand(p: PreparedRelease): string {
  const { plan } = p;
  return plan.kind === 'nightly' ? `plumbing release nightly --project ${plan.project}` : `plumbing release full --version ${plan.version} --project ${plan.project}${plan.publish ? ' --publish' : ''}`;
}

/**
 * Applies a plan: each step reads the target state again, skips what is there and verified,
 * does the rest, and records the outcome in the journal. On success and on failure the whole
 * release log and the journal go to the bucket; on failure a GitHub issue is opened (or commented).
 */
export async function applyRelease(ctx: ReleaseContext, p: PreparedRelease): Promise<ReleaseOutcome> {
  const { plan } = p;
  if (plan.noChange) {
    ctx.out(plan.noChange);
    return { status: 'no-change', version: plan.version, journal: undefined };
  }
  const fails = plan.checks.filter((c) => c.status === 'fail');
  if (fails.length) throw new ReleaseRefused(fails.map((f) => ({ check: f.id, reason: f.reason, hint: f.hint ?? '' })));
  if (!plan.pending) {
    ctx.out(`nothing to do: ${plan.version} of ${plan.project} is released; every step is there and verified`);
    return { status: 'nothing-to-do', version: plan.version, journal: await readJournal(ctx.root, plan.project, plan.version) };
  }

  const unlock = await acquireLock(join(journalDir(ctx.root, plan.project, plan.version), 'lock'), `${plan.project} ${plan.version}`);
  try {
    return await converge(ctx, p);
  } finally {
    await unlock();
  }
}

async function converge(ctx: ReleaseContext, p: PreparedRelease): Promise<ReleaseOutcome> {
  const { plan } = p;
  const log: string[] = [];
  const secrets = ctx.secrets ?? [];
  const out = (line: string) => {
    const clean = redact(line, secrets);
    log.push(`${ctx.now().toISOString()} ${clean}`);
    ctx.out(clean);
  };
  const journal = (await readJournal(ctx.root, plan.project, plan.version)) ?? newJournal(plan.project, plan.version, plan.kind, plan.commit);
  journal.commit = plan.commit;
  const attempt: Journal['attempts'][number] = { startedAt: ctx.now().toISOString(), backend: plan.backend, outcome: 'running' };
  journal.attempts.push(attempt);
  await writeJournal(ctx.root, journal);
  out(`release ${plan.version} of ${plan.project} at ${plan.commit} (attempt ${journal.attempts.length}, ${plan.backend} backend)`);
  for (const c of plan.checks) if (c.status === 'skip' && c.reason.startsWith('WARNING: ')) out(`warning: ${c.id}: ${c.reason.slice('WARNING: '.length)}`);

  let current = 'pipeline';
  try {
    const planned = plan.steps.find((s) => s.id === 'pipeline');
    const r = planned?.action === 'run' ? await p.backend.runPipeline({ plan, git: ctx.git, config: p.config, bucket: p.bucket, gitUrl: p.gitUrl, outputsDir: p.outputsDir, out, signal: ctx.signal }) : { status: 'skipped' as const, detail: planned?.detail ?? 'no pipeline' };
    journal.steps.pipeline = { status: r.status === 'done' ? 'done' : 'skipped', detail: r.detail, at: ctx.now().toISOString() };
    out(`${r.status === 'done' ? 'done' : 'skip'}  pipeline  ${r.detail}`);
    await writeJournal(ctx.root, journal);
    for (const step of p.steps) {
      current = step.id;
      ctx.signal?.throwIfAborted();
      const i = await step.inspect();
      if (i.action === 'skip') {
        journal.steps[step.id] = { status: 'skipped', detail: i.detail, at: ctx.now().toISOString() };
        out(`skip  ${step.id}  ${i.detail}`);
      } else {
        if (i.action === 'unknown' && step.kind === 'bucket' && p.backend.pipelineUploads) {
          // The pipeline uploaded it to a bucket this process cannot read (s3://, gs://).
          journal.steps[step.id] = { status: 'skipped', detail: i.detail, at: ctx.now().toISOString() };
          out(`skip  ${step.id}  ${i.detail}`);
          await writeJournal(ctx.root, journal);
          continue;
        }
        if (skippedOffline(plan, { kind: step.kind, action: i.action })) {
          journal.steps[step.id] = { status: 'skipped', detail: 'not done: no GITHUB_TOKEN (a local nightly without a token goes to the bucket only)', at: ctx.now().toISOString() };
          out(`skip  ${step.id}  not done: no GITHUB_TOKEN`);
          await writeJournal(ctx.root, journal);
          continue;
        }
        if (i.action === 'unknown') throw new PlumbingError('RELEASE_STATE', i.detail, { hint: 'the release cannot read this target from here' });
        const done = await step.apply();
        // Verify: read the target again; what was just done must now be there and match.
        const after = await step.inspect();
        if (after.action !== 'skip') throw new PlumbingError('RELEASE_VERIFY', `${step.id} did not verify after it was done: ${after.detail}`, { hint: 're-run; if it persists, the target changes under the release' });
        journal.steps[step.id] = { status: 'done', detail: `${done}; verified`, at: ctx.now().toISOString() };
        out(`done  ${step.id}  ${done}`);
      }
      await writeJournal(ctx.root, journal);
    }
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e), secrets);
    journal.steps[current] = { status: 'failed', detail: message, at: ctx.now().toISOString() };
    attempt.outcome = 'failure';
    attempt.failedStep = current;
    attempt.error = message;
    attempt.finishedAt = ctx.now().toISOString();
    out(`FAIL  ${current}  ${message}`);
    await writeJournal(ctx.root, journal);
    const links = await saveLogs(ctx, p, journal, log, out);
    if (ctx.github) {
      try {
        const r = await reportFailure(ctx.github, plan, p.config.failureLabels, { step: current, error: message, ...links, rerun: rerunCommand(p) });
        out(`failure issue #${r.issue} ${r.action}`);
      } catch (alertError) {
        out(`could not open the failure issue: ${redact(alertError instanceof Error ? alertError.message : String(alertError), secrets)}`);
      }
    } else out('no failure issue: no GITHUB_TOKEN');
    throw new ReleaseStepFailed(current, new Error(message));
  }
  attempt.outcome = 'success';
  attempt.finishedAt = ctx.now().toISOString();
  const offlineSkipped = plan.steps.filter((st) => skippedOffline(plan, st)).length;
  out(`released ${plan.version} of ${plan.project}${offlineSkipped ? ` to the bucket only (${offlineSkipped} GitHub step(s) skipped: no GITHUB_TOKEN)` : ''}`);
  await writeJournal(ctx.root, journal);
  await saveLogs(ctx, p, journal, log, out);
  return { status: 'released', version: plan.version, journal };
}

/** Appends this attempt's log to the local release log, then uploads the whole log and the journal to the bucket. */
async function saveLogs(ctx: ReleaseContext, p: PreparedRelease, journal: Journal, log: string[], out: (l: string) => void): Promise<{ logLink: string; journalLink: string }> {
  const dir = journalDir(ctx.root, p.plan.project, p.plan.version);
  const localLog = join(dir, 'release.log');
  await mkdir(dir, { recursive: true });
  if (p.bucket.reachable && !(await exists(localLog))) {
    // A fresh machine (the nightly pod): continue the log of the earlier attempts from the bucket.
    const earlier = await p.bucket.get(`${p.plan.bucketPrefix}/release.log`).catch(() => undefined);
    if (earlier) await appendFile(localLog, earlier);
  }
  await appendFile(localLog, `${log.join('\n')}\n`);
  const logKey = `${p.plan.bucketPrefix}/release.log`;
  const journalKey = `${p.plan.bucketPrefix}/journal.json`;
  if (!p.bucket.reachable) {
    out(`logs kept at ${localLog}: ${p.bucket.url} is not writable from here (the pipeline saves its own logs)`);
    return { logLink: localLog, journalLink: join(dir, 'journal.json') };
  }
  try {
    await p.bucket.put(logKey, await readFile(localLog));
    await p.bucket.put(journalKey, `${JSON.stringify(journal, null, 2)}\n`);
    ctx.out(`logs: ${p.bucket.link(logKey)}`);
    return { logLink: p.bucket.link(logKey), journalLink: p.bucket.link(journalKey) };
  } catch (e) {
    out(`could not upload the logs (${e instanceof Error ? e.message : String(e)}); kept at ${localLog}`);
    return { logLink: localLog, journalLink: join(dir, 'journal.json') };
  }
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );
