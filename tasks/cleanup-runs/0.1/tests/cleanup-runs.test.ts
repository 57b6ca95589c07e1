import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'cleanup-runs.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('cleanup-runs-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

const done = { completionTime: '2024-01-01T01:00:00Z', conditions: [{ type: 'Succeeded', status: 'True' }] };
const failed = { completionTime: '2024-01-01T01:00:00Z', conditions: [{ type: 'Succeeded', status: 'False' }] };
const running = { conditions: [{ type: 'Succeeded', status: 'Unknown' }] };
function pr(name: string, pipeline: string, day: number, status: object = done) {
  return { kind: 'PipelineRun', metadata: { name, labels: { 'tekton.dev/pipeline': pipeline }, creationTimestamp: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z` }, status };
}
function tr(name: string, task: string, day: number, extra: object = {}) {
  return { kind: 'TaskRun', metadata: { name, labels: { 'tekton.dev/task': task }, creationTimestamp: `2024-01-${String(day).padStart(2, '0')}T00:00:00Z`, ...extra }, status: done };
}

const LIST = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    pr('ci-1', 'ci', 1), pr('ci-2', 'ci', 2, failed), pr('ci-3', 'ci', 3), pr('ci-4', 'ci', 4), pr('ci-0', 'ci', 1, running),
    pr('release-1', 'release', 1), pr('release-2', 'release', 2),
    tr('ci-3-clone', 'git-clone', 3, { labels: { 'tekton.dev/task': 'git-clone', 'tekton.dev/pipelineRun': 'ci-3' } }),
    tr('lint-1', 'lint', 1), tr('lint-2', 'lint', 2), tr('lint-3', 'lint', 3),
  ],
};

describe('cleanup-runs 0.1 (selection over a runs.json list; the cluster deletes are only printed here)', () => {
  it('keeps the newest N per pipeline and per task, never a running one, and leaves TaskRuns of PipelineRuns to their owner', async () => {
    const runs = await secretDir(root, 'list', { 'runs.json': JSON.stringify(LIST) });
    const { run, code, stderr } = await runTask(TASK, { params: { namespace: 'tekton-ci', keep: '2' }, workspaces: { runs } });
    expect(code).toBe(0);
    expect([result(run, 'deleted'), result(run, 'kept')]).toEqual(['3', '7']);
    const would = stderr.split('\n').filter((l) => l.includes('would run:')).map((l) => l.replace(/^.*would run: /, ''));
    expect(would).toEqual([
      'kubectl delete pipelinerun ci-2 -n tekton-ci --wait=false',
      'kubectl delete pipelinerun ci-1 -n tekton-ci --wait=false',
      'kubectl delete taskrun lint-1 -n tekton-ci --wait=false',
    ]);
    expect(stderr).toContain('keep    PipelineRun ci: ci-0 (still running)');
    expect(stderr).not.toContain('ci-3-clone');
  });

  it('deletes nothing when every group is within keep', async () => {
    const runs = await secretDir(root, 'few', { 'runs.json': JSON.stringify(LIST) });
    const { run, stderr } = await runTask(TASK, { params: { namespace: 'tekton-ci', keep: '10' }, workspaces: { runs } });
    expect(result(run, 'deleted')).toBe('0');
    expect(stderr).toContain('cleanup-runs: nothing to delete');
  });

  it('refuses keep 0 and other bad input with a clear message', async () => {
    const good = await secretDir(root, 'g', { 'runs.json': JSON.stringify(LIST) });
    const cases: [Record<string, string>, string, string][] = [
      [{ keep: '0' }, good, 'param keep must be a whole number of at least 1'],
      [{ 'dry-run': 'y' }, good, 'param dry-run must be "true" or "false"'],
      [{ namespace: 'Bad_NS' }, good, 'is not a namespace name'],
      [{}, await secretDir(root, 'notjson', { 'runs.json': '{' }), 'runs.json is not JSON'],
      [{}, await secretDir(root, 'noitems', { 'runs.json': '{"kind":"PipelineRun"}' }), 'runs.json has no "items"'],
      [{}, await secretDir(root, 'nofile', { 'list.json': '{}' }), 'workspace runs has no runs.json'],
    ];
    for (const [p, runs, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params: { namespace: 'tekton-ci', ...p }, workspaces: { runs } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
  });

  it('without the runs workspace it asks the cluster, and says so when kubectl cannot', async () => {
    const { run, stderr } = await runTask(TASK, { params: { namespace: 'tekton-ci' } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('kubectl cannot list the runs of namespace tekton-ci');
  });
});
