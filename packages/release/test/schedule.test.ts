// `plumbing schedule` registers the nightly release of each project (releases/<project>.yaml
// spec.nightly.schedule) next to the scheduled deploys, and a scheduler tick runs it end to end.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { JobRegistry, startScheduler } from '@plumbing/deploy';
import { removeTempDir } from '@plumbing/test-utils';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nightlyReleaseJobs } from '../src/make-context.js';
import { CLI, ensureCli } from './cli-support.js';
import { type Fixture, makeFixture } from './helpers.js';

let f: Fixture | undefined;
beforeAll(async () => {
  await ensureCli();
}, 600_000);
afterEach(async () => {
  if (f) await removeTempDir(f.tmp);
  f = undefined;
});

describe('the nightly release in plumbing schedule', () => {
  it('plumbing schedule (real CLI) registers nightly-release-<project> on the config schedule and stops on SIGTERM', async () => {
    f = await makeFixture();
    const child = spawn(process.execPath, [CLI, 'schedule', '--root', f.work], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += String(c);
    });
    let exited = false;
    const done = new Promise<number | null>((r) =>
      child.on('close', (code) => {
        exited = true;
        r(code);
      }),
    );
    // Wait for the event, however long a busy machine takes to start the CLI: a SIGTERM sent
    // before the scheduler has registered (and installed its handlers) would kill it outright.
    await new Promise<void>((resolve) => {
      const seen = () => {
        if (exited || err.includes('scheduled nightly-release-demo')) {
          child.stderr.off('data', seen);
          child.off('close', seen);
          resolve();
        }
      };
      child.stderr.on('data', seen);
      child.on('close', seen);
      seen();
    });
    child.kill('SIGTERM');
    expect(await done).toBe(0);
    expect(err).toMatch(/scheduled nightly-release-demo \(0 2 \* \* \* Etc\/UTC\), next at \d{4}-\d\d-\d\dT02:00:00\.000Z/);
    expect(err).toContain('stopped');
  });

  it('a scheduler tick runs the nightly release (schedule every second here): released to the bucket, then the next tick finds nothing changed', async () => {
    f = await makeFixture();
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    const registry = new JobRegistry();
    // The job as plumbing schedule registers it, on a cron expression that fires every second.
    for (const job of nightlyReleaseJobs(f.work, { env: {}, log })) registry.register({ ...job, schedule: '* * * * * *' });
    const scheduler = await startScheduler(registry, { log });
    try {
      // No count limit: on a busy machine this may take long; the test timeout is the ceiling.
    while (!lines.some((l) => /nightly-release-demo: (ok|FAILED) .*(no-change|nothing changed)/.test(l) || /FAILED/.test(l))) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await scheduler.stop();
    }
    const ends = lines.filter((l) => / nightly-release-demo: (ok|FAILED) /.test(l));
    expect(ends[0]).toMatch(/nightly-release-demo: ok in \d+ ms: released v0\.1\.0-nightly\.\d{8}\+[0-9a-f]{7}$/);
    expect(ends[1]).toMatch(/nightly-release-demo: ok in \d+ ms: no-change v0\.1\.0-nightly\.\d{8}\+[0-9a-f]{7}$/);
    const version = / (v0\.1\.0-nightly\.\S+)$/.exec(ends[0] ?? '')?.[1] ?? '';
    expect(existsSync(join(f.bucket, 'demo', 'nightly', version, 'release.yaml'))).toBe(true);
  });
});
