// Retention: the plan as a pure function; applied over a real SQLite store (the same suite runs
// against PostgreSQL in retention.e2e.test.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { day, NOW, retentionSuite } from '../../test/retention-suite.js';
import { openSqlite } from '../store/db.js';
import type { RunState } from '../store/store.js';
import { planRetention, type RetentionCandidate } from './retention.js';

describe('planRetention', () => {
  const c = (name: string, job: string, state: RunState, ageDays: number, rank: number): RetentionCandidate => ({ name, job, state, created: day(ageDays), recordDir: null, rank });
  const cases: [string, RetentionCandidate[], { maxAgeDays?: number; maxRunsPerJob?: number }, string[]][] = [
    ['old finished runs go', [c('new', 'ci', 'succeeded', 0, 0), c('old', 'ci', 'failed', 40, 1)], { maxAgeDays: 30 }, ['old']],
    ['never a running or queued one, however old', [c('new', 'ci', 'succeeded', 0, 0), c('r', 'ci', 'running', 40, 1), c('q', 'ci', 'queued', 50, 2)], { maxAgeDays: 30 }, []],
    ["never a job's last run, however old", [c('only', 'nightly', 'failed', 400, 0)], { maxAgeDays: 30 }, []],
    ['beyond N per job, per job', [c('a0', 'a', 'succeeded', 0, 0), c('a1', 'a', 'succeeded', 1, 1), c('a2', 'a', 'cancelled', 2, 2), c('b0', 'b', 'failed', 9, 0)], { maxRunsPerJob: 2 }, ['a2']],
    ['nothing configured: nothing goes', [c('old', 'ci', 'failed', 400, 1)], {}, []],
  ];
  it.each(cases)('%s', (_name, runs, policy, want) => {
    expect(planRetention(runs, policy, NOW).map((d) => d.name)).toEqual(want);
  });
});

retentionSuite('SQLite', (dir) => openSqlite(join(dir, '.plumbing', 'serve.db')));
