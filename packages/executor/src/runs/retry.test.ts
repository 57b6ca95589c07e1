/**
 * `retryFailedRun` end to end with the real engines and real processes: a → b → c with a finally
 * task, where b fails the first time (a marker in a persistent claim decides); the retry runs b, c
 * and the finally task only, with a's TaskRun, result and workspace output reused.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PipelineRunStatus } from '../contracts.js';
import { executePipelineRun } from '../pipelinerun/pipeline-run.js';
import { executeTaskRun } from '../taskrun/task-run.js';
import { executeRuns } from './execute-runs.js';
import { loadRunsFromFiles } from './load-runs.js';
import { REAL_PROCESS_TIMEOUT_MS } from '../../test/slow.js';
import { readRunRecord, runDirOf, stepLogFiles } from './record.js';
import { planRetryFailedRun, RETRY_OF_ANNOTATION, retryFailedRun } from './retry.js';

const engines = { executeTaskRun, executePipelineRun };

const RUN = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: flaky
spec:
  workspaces:
    - name: shared
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Mi
    - name: state
      persistentVolumeClaim:
        claimName: retry-state
  pipelineSpec:
    workspaces:
      - name: shared
      - name: state
    tasks:
      - name: a
        workspaces:
          - name: shared
          - name: state
        taskSpec:
          workspaces:
            - name: shared
            - name: state
          results:
            - name: word
          steps:
            - name: write
              image: docker.io/library/busybox:1.36
              script: |
                #!/bin/sh
                echo ran >> $(workspaces.state.path)/a-runs
                echo "a writes a.txt"
                echo from-a > $(workspaces.shared.path)/a.txt
                printf hello > $(results.word.path)
      - name: b
        runAfter: [a]
        params:
          - name: word
            value: $(tasks.a.results.word)
        workspaces:
          - name: shared
          - name: state
        taskSpec:
          params:
            - name: word
          workspaces:
            - name: shared
            - name: state
          results:
            - name: seen
          steps:
            - name: check
              image: docker.io/library/busybox:1.36
              env:
                - name: WORD
                  value: $(params.word)
              script: |
                #!/bin/sh
                if [ ! -f $(workspaces.state.path)/b-failed-once ]; then
                  touch $(workspaces.state.path)/b-failed-once
                  echo "failing the first time"
                  exit 1
                fi
                echo "b passes"
                printf '%s+%s' "$WORD" "$(cat $(workspaces.shared.path)/a.txt)" > $(results.seen.path)
      - name: c
        params:
          - name: seen
            value: $(tasks.b.results.seen)
        taskSpec:
          params:
            - name: seen
          steps:
            - name: echo
              image: docker.io/library/busybox:1.36
              env:
                - name: SEEN
                  value: $(params.seen)
              script: |
                #!/bin/sh
                echo "c saw $SEEN"
    finally:
      - name: report
        taskSpec:
          steps:
            - name: done
              image: docker.io/library/busybox:1.36
              script: |
                #!/bin/sh
                echo reported
    results:
      - name: seen
        value: $(tasks.b.results.seen)
`;

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-retry-'));
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'run.yaml'), RUN);
  return root;
}

async function runOnce(root: string): Promise<PipelineRunStatus> {
  const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
  const [out] = await executeRuns(plan, engines, { signal: new AbortController().signal, sandbox: false });
  return out?.status as PipelineRunStatus;
}

const condition = (s: PipelineRunStatus) => s.conditions.find((c) => c.type === 'Succeeded');
const byTask = (s: PipelineRunStatus) => Object.fromEntries(s.taskRuns.map((t) => [t.pipelineTaskName, { name: t.name, status: condition(t.status as never)?.status, reusedFrom: t.reusedFrom }]));

describe('retryFailedRun', () => {
  it('reruns the failed task, its dependents and finally; reuses the succeeded task, its result and its workspace output', async () => {
    const root = repo();
    const first = await runOnce(root);
    expect(condition(first)?.status).toBe('False');
    expect(byTask(first)).toMatchObject({ a: { status: 'True' }, b: { status: 'False' }, report: { status: 'True' } });
    expect(first.skippedTasks.map((t) => t.name)).toEqual(['c']);

    const planned = await planRetryFailedRun(root, 'flaky', { name: 'flaky-again' });
    expect(planned).toMatchObject({ kind: 'retry', from: 'flaky', name: 'flaky-again', rerun: ['b', 'c', 'report'], reuse: ['a'] });

    const { retry, outcome } = await retryFailedRun(root, 'flaky', engines, { name: 'flaky-again', signal: new AbortController().signal, sandbox: false });
    expect(retry.kind).toBe('retry');
    const status = outcome?.status as PipelineRunStatus;
    expect(condition(status)).toMatchObject({ status: 'True', reason: 'Succeeded' });
    // a ran once in all: its TaskRun of the first run stands in the retry, marked reused
    expect(readFileSync(join(root, '.plumbing/pvc/retry-state/a-runs'), 'utf8')).toBe('ran\n');
    expect(byTask(status)).toEqual({
      a: { name: 'flaky-a', status: 'True', reusedFrom: 'flaky' },
      b: { name: 'flaky-again-b', status: 'True', reusedFrom: undefined },
      c: { name: 'flaky-again-c', status: 'True', reusedFrom: undefined },
      report: { name: 'flaky-again-report', status: 'True', reusedFrom: undefined },
    });
    // a's result reached b's param; a's file in the volumeClaimTemplate workspace reached b
    expect(status.results).toEqual([{ name: 'seen', value: 'hello+from-a' }]);
    expect(status.childReferences.map((c) => c.name)).toEqual(['flaky-a', 'flaky-again-b', 'flaky-again-c', 'flaky-again-report']);
    const rec = readRunRecord(runDirOf(root, 'flaky-again'));
    expect(rec.meta?.metadata.annotations?.[RETRY_OF_ANNOTATION]).toBe('flaky');
    // the reused TaskRun's logs come along, so plumbing logs shows the whole run
    expect(stepLogFiles(rec, 'flaky-again').map((f) => `${f.label}/${f.step}`)).toEqual(['a/write', 'b/check', 'c/echo', 'report/done']);
    // the retried run's record is untouched
    expect(existsSync(join(runDirOf(root, 'flaky'), 'flaky-b', 'check.log'))).toBe(true);
  }, REAL_PROCESS_TIMEOUT_MS);

  it('says there is nothing to retry for a run that succeeded', async () => {
    const root = repo();
    mkdirSync(join(root, '.plumbing/pvc/retry-state'), { recursive: true });
    writeFileSync(join(root, '.plumbing/pvc/retry-state/b-failed-once'), '');
    expect(condition(await runOnce(root))?.status).toBe('True');
    const r = await retryFailedRun(root, 'flaky', engines, { signal: new AbortController().signal, sandbox: false });
    expect(r).toEqual({ retry: { kind: 'nothing', from: 'flaky', message: 'PipelineRun flaky succeeded: nothing to retry' } });
  }, REAL_PROCESS_TIMEOUT_MS);

  it('refuses an unknown run with a clear error', async () => {
    await expect(planRetryFailedRun(repo(), 'nope')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: 'no run named "nope" under .plumbing/runs' });
  });
});
