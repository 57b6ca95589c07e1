// Test helpers (not exported from the package): a real plumbing serve over a temp checkout with
// one cluster, its SQLite store, and RunRow fixtures written into that store.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningService, type RunRow, startServe } from '@plumbing/serve';
import { makeTempDir } from '@plumbing/test-utils';
import type { DashboardOptions } from '../src/ctx.js';
import { dashboardPages } from '../src/pages.js';

export async function serveDashboard(o: DashboardOptions = {}, clusterSpec = 'spec:\n  context: test\n'): Promise<{ root: string; svc: RunningService }> {
  const root = await makeTempDir('plumbing-dashboard-');
  mkdirSync(join(root, 'clusters/test'), { recursive: true });
  writeFileSync(join(root, 'clusters/test/cluster.yaml'), `apiVersion: plumbing.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: test\n${clusterSpec}`);
  const svc = await startServe({ root, port: 0, host: '127.0.0.1', sandbox: false, log: () => {}, pages: dashboardPages(o) });
  return { root, svc };
}

export function runRow(name: string, over: Partial<RunRow> = {}): RunRow {
  return {
    name, namespace: 'tekton-ci', kind: 'pull-request', resourceKind: 'PipelineRun', job: 'ci', repository: 'acme/widgets', pullRequest: 7, sha: 'a'.repeat(40),
    event: 'pull_request', deliveryId: `d-${name}`, actor: 'octocat', triggerName: 'pull-request-ci', supersedeKey: null, private: false, state: 'succeeded',
    reason: 'Succeeded', message: 'Tasks Completed: 1', created: '2026-12-07T10:00:00.000Z', started: '2026-12-07T10:00:01.000Z', finished: '2026-12-07T10:03:00.000Z',
    owner: null, recordDir: null, resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', spec: {} }, status: null, ...over,
  };
}
