/**
 * Tekton's feature flags from a repository's `.plumbing.yaml` (or its cluster's feature-flags
 * ConfigMap) reaching real runs: loaded by loadRunsFromFiles, run by executeRuns with real
 * processes, as `plumbing run -f` does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_PROCESS_TIMEOUT_MS } from '../../test/slow.js';
import type { TaskRunStatus } from '../contracts.js';
import { executePipelineRun } from '../pipelinerun/pipeline-run.js';
import { executeTaskRun } from '../taskrun/task-run.js';
import { executeRuns } from './execute-runs.js';
import { blockingFindings, loadRunsFromFiles } from './load-runs.js';

const engines = { executeTaskRun, executePipelineRun };

// two results of 3,000 bytes: 6 KB in one step's termination message, 3 KB each under sidecar-logs
const BIG_RESULTS = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: big-results
spec:
  taskSpec:
    results:
      - name: one
      - name: two
    steps:
      - name: write
        image: alpine
        script: |
          head -c 3000 /dev/zero | tr '\\0' 'a' > $(results.one.path)
          head -c 3000 /dev/zero | tr '\\0' 'b' > $(results.two.path)
`;

const STEP_WHEN = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: step-when
spec:
  taskSpec:
    steps:
      - name: guarded
        image: alpine
        when:
          - input: a
            operator: in
            values: [a]
        script: echo ran
`;

const ARTIFACTS = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: artifacts
spec:
  taskSpec:
    steps:
      - name: produce
        image: alpine
        script: |
          echo '{"outputs":[{"name":"image","values":[{"uri":"u","digest":{"sha256":"d"}}]}]}' > $(step.artifacts.path)
      - name: consume
        image: alpine
        env:
          - name: OUT
            value: $(steps.produce.outputs.image)
        script: test "$OUT" = '[{"digest":{"sha256":"d"},"uri":"u"}]'
`;

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-flags-'));
  mkdirSync(join(root, '.git'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

async function run(root: string): Promise<TaskRunStatus> {
  const plan = await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] });
  expect(blockingFindings(plan.findings)).toEqual([]);
  const [out] = await executeRuns(plan, engines, { signal: new AbortController().signal, sandbox: false });
  return out?.status as TaskRunStatus;
}

const reasonOf = (s: TaskRunStatus) => s.conditions[0]?.reason;

describe('feature flags of .plumbing.yaml and the cluster in real runs', () => {
  it('fails on the termination-message limit by default, passes with results-from: sidecar-logs', async () => {
    expect(reasonOf(await run(repo({ 'run.yaml': BIG_RESULTS })))).toBe('StepFailed');
    const sidecar = await run(repo({ 'run.yaml': BIG_RESULTS, '.plumbing.yaml': 'run:\n  featureFlags:\n    results-from: sidecar-logs\n' }));
    expect(reasonOf(sidecar)).toBe('Succeeded');
    expect(sidecar.results.map((r) => [r.name, (r.value as string).length])).toEqual([
      ['one', 3000],
      ['two', 3000],
    ]);
  }, REAL_PROCESS_TIMEOUT_MS);

  it("applies the cluster ConfigMap's max-result-size per result under sidecar-logs", async () => {
    const flags = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: feature-flags, namespace: tekton-pipelines}\ndata:\n  results-from: sidecar-logs\n  max-result-size: "2048"\n';
    const status = await run(repo({ 'run.yaml': BIG_RESULTS, '.plumbing.yaml': 'run:\n  cluster: dev\n', 'clusters/dev/tekton/feature-flags.yaml': flags }));
    expect(status.conditions[0]).toMatchObject({ reason: 'TaskRunResultLargerThanAllowedLimit', message: '[User error] TaskRun ""big-results"" failed: 3039 bytes results size exceeds configured limit of 2048 bytes' });
  }, REAL_PROCESS_TIMEOUT_MS);

  it('refuses an alpha field before running when enable-api-fields is stable, and runs it under alpha', async () => {
    const root = repo({ 'run.yaml': STEP_WHEN, '.plumbing.yaml': 'run:\n  featureFlags:\n    enable-api-fields: stable\n' });
    const refused = blockingFindings((await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] })).findings);
    expect(refused.map((f) => ({ code: f.code, file: f.file, line: f.line }))).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', file: 'run.yaml', line: 10 }]);
    const alpha = await run(repo({ 'run.yaml': STEP_WHEN, '.plumbing.yaml': 'run:\n  featureFlags:\n    enable-api-fields: alpha\n' }));
    expect(reasonOf(alpha)).toBe('Succeeded');
  }, REAL_PROCESS_TIMEOUT_MS);

  it('stops the run on a bad flag value, at its line in .plumbing.yaml', async () => {
    const root = repo({ 'run.yaml': BIG_RESULTS, '.plumbing.yaml': 'run:\n  featureFlags:\n    results-from: logs\n' });
    const errors = blockingFindings((await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] })).findings);
    expect(errors.map((f) => ({ code: f.code, file: f.file, line: f.line, message: f.message }))).toEqual([
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 3, message: 'invalid value for feature flag "results-from": "logs"' },
    ]);
  });

  it('refuses artifacts unless enable-artifacts is on, as the webhook does, and runs them when it is', async () => {
    const root = repo({ 'run.yaml': ARTIFACTS, '.plumbing.yaml': 'run:\n  featureFlags:\n    enable-api-fields: alpha\n' });
    const refused = blockingFindings((await loadRunsFromFiles({ root, cwd: root, files: ['run.yaml'] })).findings);
    expect(refused.map((f) => ({ code: f.code, line: f.line }))).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', line: 11 }]);
    const on = await run(repo({ 'run.yaml': ARTIFACTS, '.plumbing.yaml': 'run:\n  featureFlags:\n    enable-api-fields: alpha\n    enable-artifacts: "true"\n' }));
    expect(reasonOf(on)).toBe('Succeeded');
    expect(on.artifacts).toEqual({ outputs: [{ name: 'image', values: [{ uri: 'u', digest: { sha256: 'd' } }] }] });
  }, REAL_PROCESS_TIMEOUT_MS);
});
