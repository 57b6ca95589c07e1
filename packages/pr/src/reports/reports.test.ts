import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy.js';
import type { RunFacts } from '../runs.js';
import { type CheckFinding, checkRunPayload, findingAnnotations, parseCheckFindings } from './check-run.js';
import { failureComment } from './failure-comment.js';
import { commitStatus, holdStatus, waitingStatus } from './status.js';

const policy = defaultPolicy('tektoncd');
const SHA = 'f'.repeat(40);
const SECRET = 'ghp_abcdefghijklmnopqrstuvwxyz0123';
const LOG = `${Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n')}\ncurl -H "Authorization: token ${SECRET}"\nerror: build failed\n`;

const failed: RunFacts = {
  name: 'ci-x7k2p',
  job: 'ci',
  sha: SHA,
  state: 'failed',
  url: 'https://ci.example.org/runs/ci-x7k2p',
  durationMs: 95_000,
  tasks: [
    { name: 'clone', state: 'succeeded', durationMs: 4_200 },
    { name: 'build', state: 'failed', failedStep: 'compile', durationMs: 61_000 },
    { name: 'test', state: 'skipped', skipReason: 'PipelineRun was stopping' },
    { name: 'report', state: 'succeeded', finally: true, durationMs: 800 },
  ],
  failingLog: LOG,
};

describe('commitStatus', () => {
  const cases: [RunFacts['state'], Partial<RunFacts>, string, string][] = [
    ['queued', {}, 'pending', 'Queued'],
    ['queued', { heldBy: 'alice' }, 'pending', 'Held by @alice: starts on /unhold'],
    ['running', {}, 'pending', 'Running'],
    ['succeeded', { durationMs: 125_000 }, 'success', 'Succeeded in 2m 5s'],
    ['failed', {}, 'failure', 'Failed: task build (step compile) failed'],
    ['cancelled', { message: 'superseded by a newer push' }, 'failure', 'Cancelled: superseded by a newer push'],
  ];
  it.each(cases)('%s', (state, o, want, description) => {
    expect(commitStatus({ ...failed, state, ...o }, policy)).toEqual({ sha: SHA, context: 'plumbing/ci', state: want, description, targetUrl: failed.url });
  });

  it('keeps the description within GitHub\'s 140 characters', () => {
    const s = commitStatus({ ...failed, state: 'cancelled', message: 'x'.repeat(300) }, policy);
    expect(s.description).toHaveLength(140);
    expect(s.description.endsWith('…')).toBe(true);
  });

  it('says why a job has not started (waiting for /ok-to-test), within 140 characters', () => {
    const s = waitingStatus(policy, 'ci', SHA, 'waiting for a trusted user to comment /ok-to-test', 'https://pr');
    expect(s).toEqual({ sha: SHA, context: 'plumbing/ci', state: 'pending', description: 'Not started: waiting for a trusted user to comment /ok-to-test', targetUrl: 'https://pr' });
    expect(waitingStatus(policy, 'ci', SHA, 'x'.repeat(200), 'u').description).toHaveLength(140);
  });

  it('holds and releases', () => {
    expect(holdStatus(policy, SHA, true, 'alice', 'https://pr')).toEqual({ sha: SHA, context: 'plumbing/hold', state: 'pending', description: 'Held by @alice: /unhold to release', targetUrl: 'https://pr' });
    expect(holdStatus(policy, SHA, false, 'bob', 'https://pr').state).toBe('success');
  });
});

describe('checkRunPayload', () => {
  const findings: CheckFinding[] = parseCheckFindings(
    JSON.stringify([
      { code: 'STEP_SCRIPT_WITH_COMMAND', severity: 'error', message: 'step "clone" has both', file: 'tasks/git-clone/0.1/git-clone.yaml', line: 42, column: 9, path: 'spec.steps[0]' },
      { code: 'IMAGE_NOT_PINNED', severity: 'warning', message: 'pin by digest', file: './pipelines/ci/ci.yaml', line: 3, column: 0, path: '', hint: 'use @sha256:…' },
      { code: 'DEPRECATED', severity: 'info', message: 'old', file: 'a.yaml', line: 1, column: 1, path: '' },
      { code: 'USAGE', severity: 'error', message: 'no position', file: '', line: 0, column: 0, path: '' },
    ]),
  );

  it('renders the task table and the last 20 lines of the failing step, secrets redacted', async () => {
    const p = checkRunPayload(failed, policy, [], [SECRET]);
    expect({ ...p, output: { ...p.output, summary: '(file)' } }).toEqual({
      name: 'plumbing/ci',
      headSha: SHA,
      externalId: 'ci-x7k2p',
      detailsUrl: failed.url,
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'ci: failed (build)', summary: '(file)', annotations: [] },
    });
    expect(p.output.summary).not.toContain(SECRET);
    expect(p.output.summary).not.toContain('line 12\n');
    expect(p.output.summary).toContain('line 13\n');
    await expect(p.output.summary).toMatchFileSnapshot('../../test/golden/check-run-failed.md');
  });

  it('maps findings to annotations at their file and line (levels failure, warning, notice)', () => {
    expect(findingAnnotations(findings)).toEqual([
      { path: 'tasks/git-clone/0.1/git-clone.yaml', startLine: 42, endLine: 42, startColumn: 9, endColumn: 9, level: 'failure', title: 'STEP_SCRIPT_WITH_COMMAND', message: 'step "clone" has both' },
      { path: 'pipelines/ci/ci.yaml', startLine: 3, endLine: 3, level: 'warning', title: 'IMAGE_NOT_PINNED', message: 'pin by digest', rawDetails: 'use @sha256:…' },
      { path: 'a.yaml', startLine: 1, endLine: 1, startColumn: 1, endColumn: 1, level: 'notice', title: 'DEPRECATED', message: 'old' },
    ]);
  });

  it('carries every annotation (the port sends them 50 per request)', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ code: 'C', severity: 'warning' as const, message: 'm', file: 'f.yaml', line: i + 1, column: 1 }));
    expect(checkRunPayload(failed, policy, many).output.annotations).toHaveLength(120);
  });

  const states: [RunFacts['state'], Partial<RunFacts>, string, string | undefined][] = [
    ['queued', {}, 'queued', undefined],
    ['running', {}, 'in_progress', undefined],
    ['succeeded', {}, 'completed', 'success'],
    ['cancelled', {}, 'completed', 'cancelled'],
    ['failed', { tasks: [{ name: 'slow', state: 'timed-out' }] }, 'completed', 'timed_out'],
  ];
  it.each(states)('status of a %s run', (state, o, status, conclusion) => {
    const p = checkRunPayload({ ...failed, state, ...o }, policy);
    expect({ status: p.status, conclusion: p.conclusion }).toEqual({ status, conclusion });
  });

  it('fences a log that itself holds backticks', () => {
    const p = checkRunPayload({ ...failed, failingLog: 'a ``` b\n' }, policy);
    expect(p.output.summary).toContain('````\na ``` b\n````');
  });
});

describe('failureComment (crier: one comment, a table of failed jobs with rerun commands)', () => {
  const ok = (job: string, sha = SHA): RunFacts => ({ ...failed, name: `${job}-ok`, job, sha, state: 'succeeded' });
  const bad = (job: string, sha = SHA): RunFacts => ({ ...failed, name: `${job}-bad`, job, sha, state: 'failed', url: `https://ci/${job}` });

  it('lists each failed job with its commit, logs link and rerun command', () => {
    expect(failureComment([bad('unit'), ok('lint'), bad('e2e')], 'mallory')).toEqual({
      create: true,
      reply: {
        marker: 'test-report',
        body: [
          '@mallory: the following jobs **failed**; say `/retest` to rerun the failed tasks of every failed job:',
          '',
          '| Job | Commit | Details | Rerun command |',
          '| --- | --- | --- | --- |',
          '| e2e | fffffff | [logs](https://ci/e2e) | `/test e2e` |',
          '| unit | fffffff | [logs](https://ci/unit) | `/test unit` |',
        ].join('\n'),
      },
    });
  });

  const cases: [string, RunFacts[], { create: boolean; failed: string[] } | undefined][] = [
    ['nothing finished: no comment', [{ ...failed, state: 'running' }], undefined],
    ['a job that passed on rerun leaves the table', [bad('unit'), ok('unit')], { create: false, failed: [] }],
    ['a job that failed on an older commit stays until it runs again (crier)', [bad('unit', 'a'.repeat(40)), ok('lint')], { create: true, failed: ['unit'] }],
    ['a newer attempt decides', [bad('unit'), { ...ok('unit'), attempt: 1 }, { ...bad('unit'), attempt: 0 }], { create: false, failed: [] }],
  ];
  it.each(cases)('%s', (_name, runs, want) => {
    const plan = failureComment(runs, 'mallory');
    expect(plan && { create: plan.create, failed: [...plan.reply.body.matchAll(/^\| (\S+) \| [0-9a-f]{7}/gm)].map((m) => m[1]) }).toEqual(want);
  });

  it('says all passed once the failures are gone (it only edits an existing comment)', () => {
    expect(failureComment([ok('unit')], 'mallory')?.reply.body).toBe('@mallory: all jobs **passed**.');
  });
});
