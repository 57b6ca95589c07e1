import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy.js';
import { planRetry, type RunFacts, WHEN_SKIPPED } from '../runs.js';
import { strangerFacts } from '../trust.js';
import { retestCommand } from './retest.js';
import type { CommandContext } from './types.js';

const HEAD = 'd'.repeat(40);
const OLD = 'e'.repeat(40);

const failedRun: RunFacts = {
  name: 'ci-abc',
  job: 'ci',
  sha: HEAD,
  state: 'failed',
  url: 'u',
  tasks: [
    { name: 'clone', state: 'succeeded' },
    { name: 'lint', state: 'succeeded' },
    { name: 'build', state: 'failed', failedStep: 'compile' },
    { name: 'docs', state: 'skipped', skipReason: WHEN_SKIPPED },
    { name: 'test', state: 'skipped', skipReason: 'PipelineRun was stopping' },
    { name: 'publish', state: 'not-run' },
    { name: 'report', state: 'succeeded', finally: true },
  ],
};

describe('planRetry', () => {
  it('reruns the failed tasks, those stopped by the failure and the finally tasks; reuses the rest', () => {
    expect(planRetry(failedRun)).toEqual({ run: 'ci-abc', job: 'ci', rerunTasks: ['build', 'test', 'publish', 'report'], reuseTasks: ['clone', 'lint', 'docs'] });
  });
});

describe('/retest', () => {
  const ctx = (runs: RunFacts[]): CommandContext => ({
    policy: defaultPolicy('o'),
    repo: { owner: 'o', name: 'r' },
    number: 1,
    headSha: HEAD,
    author: 'a',
    cloneUrl: '',
    commenter: strangerFacts('a'),
    commenterTrust: { trusted: true },
    code: { runnable: true, bindSecrets: true },
    jobs: [],
    runs,
    imageDirs: [],
    imageDirsListed: false,
  });

  const cases: [string, RunFacts[], string[]][] = [
    ['the latest failed run of each job on the head', [failedRun, { ...failedRun, name: 'e2e-1', job: 'e2e', state: 'succeeded' }], ['ci-abc']],
    ['not a job whose newest attempt passed', [failedRun, { ...failedRun, name: 'ci-retry', state: 'succeeded', attempt: 1 }], []],
    ['a job whose retry failed again: the retry', [{ ...failedRun, state: 'succeeded' }, { ...failedRun, name: 'ci-retry', attempt: 1 }], ['ci-retry']],
    ['not runs of an older commit', [{ ...failedRun, sha: OLD }], []],
  ];
  it.each(cases)('%s', (_name, runs, want) => {
    const out = retestCommand.decide([], ctx(runs));
    expect('actions' in out ? out.actions.map((a) => (a.kind === 'rerun' ? a.run : a.kind)) : out).toEqual(want);
    if (want.length === 0) expect(out).toEqual({ actions: [], say: `Nothing to retest: no job failed on ${HEAD.slice(0, 7)}.` });
  });
});
