import { describe, expect, it } from 'vitest';
import { type RetryTaskRunFacts, retryPipelineRunResource } from './retry-resource.js';

// A PipelineRun as the cluster has it once Tekton finished it: checkout succeeded (result commit,
// workspace on the claim Tekton made from the volumeClaimTemplate), test failed, lint was skipped
// by its own when, report is a finally task.
const pipelineSpec = {
  workspaces: [{ name: 'source' }],
  tasks: [
    { name: 'checkout', taskRef: { name: 'git-clone' }, workspaces: [{ name: 'output', workspace: 'source' }] },
    { name: 'lint', runAfter: ['checkout'], when: [{ input: 'no', operator: 'in', values: ['yes'] }], taskRef: { name: 'lint' } },
    { name: 'test', taskRef: { name: 'test' }, params: [{ name: 'commit', value: '$(tasks.checkout.results.commit)' }, { name: 'msg', value: 'at $(tasks.checkout.results.commit) by $(tasks.checkout.results.author)' }, { name: 'files', value: ['$(tasks.checkout.results.files[*])', 'extra'] }], workspaces: [{ name: 'src', workspace: 'source' }] },
  ],
  finally: [{ name: 'report', taskRef: { name: 'report' }, params: [{ name: 'checkout', value: '$(tasks.checkout.status)' }, { name: 'test', value: '$(tasks.test.status)' }] }],
  results: [{ name: 'commit', value: '$(tasks.checkout.results.commit)' }],
};
const original = {
  apiVersion: 'tekton.dev/v1',
  kind: 'PipelineRun',
  metadata: { name: 'ci-abcde', namespace: 'tekton-ci', uid: 'u-1', labels: { 'plumbing.dev/pull-request': '7' }, annotations: { 'plumbing.dev/repository': 'o/r' } },
  spec: { pipelineRef: { name: 'ci' }, params: [{ name: 'revision', value: 'abc' }], workspaces: [{ name: 'source', volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } }] },
  status: {
    pipelineSpec,
    skippedTasks: [{ name: 'lint', reason: 'When Expressions evaluated to false' }],
    childReferences: [
      { kind: 'TaskRun', name: 'ci-abcde-checkout', pipelineTaskName: 'checkout' },
      { kind: 'TaskRun', name: 'ci-abcde-test', pipelineTaskName: 'test' },
      { kind: 'TaskRun', name: 'ci-abcde-report', pipelineTaskName: 'report' },
    ],
  },
};
const taskRuns: RetryTaskRunFacts[] = [
  { pipelineTask: 'checkout', succeeded: true, results: [{ name: 'commit', value: 'abc123' }, { name: 'author', value: 'alice' }, { name: 'files', value: ['a.go', 'b.go'] }], claims: [{ workspace: 'output', claimName: 'pvc-0f1e2d' }] },
  { pipelineTask: 'test', succeeded: false, results: [], claims: [{ workspace: 'src', claimName: 'pvc-0f1e2d' }] },
  { pipelineTask: 'report', succeeded: true, results: [], claims: [] },
];

describe('retryPipelineRunResource', () => {
  it('skips the reused tasks by a false when, puts their results in, binds the original claim, reruns the failed and finally tasks', () => {
    const plan = retryPipelineRunResource(original, taskRuns, 'ci-abcde-retry-fghij', { 'plumbing.dev/retry-of': 'ci-abcde' });
    expect([plan.rerun, plan.reuse, plan.notes]).toEqual([['test', 'report'], ['checkout', 'lint'], []]);
    const r = plan.resource as { metadata: unknown; spec: { pipelineRef?: unknown; params: unknown; workspaces: unknown; pipelineSpec: typeof pipelineSpec } };
    expect(r.metadata).toEqual({ name: 'ci-abcde-retry-fghij', labels: { 'plumbing.dev/pull-request': '7' }, annotations: { 'plumbing.dev/repository': 'o/r', 'plumbing.dev/retry-of': 'ci-abcde' } });
    expect(r.spec.pipelineRef).toBeUndefined();
    expect(r.spec.params).toEqual([{ name: 'revision', value: 'abc' }]);
    expect(r.spec.workspaces).toEqual([{ name: 'source', persistentVolumeClaim: { claimName: 'pvc-0f1e2d' } }]);
    const [checkout, lint, test] = r.spec.pipelineSpec.tasks;
    expect(checkout?.when).toEqual([{ input: 'reused by plumbing retry', operator: 'notin', values: ['reused by plumbing retry'] }]);
    expect(lint?.when).toHaveLength(2);
    expect(test?.params).toEqual([{ name: 'commit', value: 'abc123' }, { name: 'msg', value: 'at abc123 by alice' }, { name: 'files', value: ['a.go', 'b.go', 'extra'] }]);
    expect(r.spec.pipelineSpec.finally[0]?.params).toEqual([{ name: 'checkout', value: 'Succeeded' }, { name: 'test', value: '$(tasks.test.status)' }]);
    expect(r.spec.pipelineSpec.results).toEqual([{ name: 'commit', value: 'abc123' }]);
  });

  it('reruns everything, and says why, when a reused task wrote a volumeClaimTemplate workspace whose claim is unknown', () => {
    const noClaims = taskRuns.map((t) => ({ ...t, claims: [] }));
    const plan = retryPipelineRunResource(original, noClaims, 'ci-x');
    expect([plan.rerun, plan.reuse]).toEqual([['checkout', 'lint', 'test', 'report'], []]);
    expect(plan.notes).toEqual(['workspace source of ci-abcde was a volumeClaimTemplate whose claim was not found: every task runs again']);
    expect((plan.resource as { spec: { workspaces: unknown } }).spec.workspaces).toEqual(original.spec.workspaces);
  });

  it('refuses a run Tekton never started (no pipelineSpec in its status)', () => {
    expect(() => retryPipelineRunResource({ ...original, status: {}, spec: { pipelineRef: { name: 'ci' } } }, [], 'x')).toThrow(/no pipelineSpec in its status/);
  });
});
