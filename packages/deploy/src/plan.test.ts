import type { KubeObject } from '@plumbing/kube';
import { describe, expect, it } from 'vitest';
import { holdsAll, normalize, toComparableYaml, unifiedDiff } from './diff.js';
import { formatPlan, type Plan, pruneGuard, upToDate } from './plan.js';
import { compareObjects } from './render.js';
import { stageOf } from './stages.js';
import { emptyInventory } from './state.js';

const policy = { enabled: true, allowNamespaces: false, allowCRDs: false, allowPVCs: false };

function obj(apiVersion: string, kind: string, name: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: namespace ? { name, namespace } : { name }, ...extra };
}

describe('staging order', () => {
  it('puts Namespaces and CRDs first, RBAC and configuration second, everything else last', () => {
    const objects = [
      obj('tekton.dev/v1', 'Task', 't', 'ci'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'ci'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x.example.com'),
      obj('v1', 'ConfigMap', 'b', 'ci'),
      obj('v1', 'ConfigMap', 'a', 'ci'),
      obj('apps/v1', 'Deployment', 'd', 'ci'),
      obj('v1', 'Namespace', 'ci'),
    ];
    expect(objects.sort(compareObjects).map((o) => `${stageOf(o.kind)} ${o.kind} ${o.metadata.name}`)).toEqual([
      '0 CustomResourceDefinition x.example.com',
      '0 Namespace ci',
      '1 ConfigMap a',
      '1 ConfigMap b',
      '1 RoleBinding rb',
      '2 Deployment d',
      '2 Task t',
    ]);
  });
});

describe('prune selection', () => {
  it('guards Namespaces, CRDs and PVCs unless the config opts in, and honours the per-object opt-out', () => {
    const cases = [
      obj('v1', 'Namespace', 'ci'),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x.example.com'),
      obj('v1', 'PersistentVolumeClaim', 'data', 'ci'),
      { ...obj('v1', 'ConfigMap', 'keep', 'ci'), metadata: { name: 'keep', namespace: 'ci', annotations: { 'plumbing.dev/prune': 'disabled' } } },
      obj('v1', 'ConfigMap', 'gone', 'ci'),
    ];
    expect(cases.map((o) => pruneGuard(o, policy))).toEqual([
      'a Namespace (set prune.allowNamespaces to prune)',
      'a CRD (set prune.allowCRDs to prune)',
      'a PVC (set prune.allowPVCs to prune)',
      'annotation plumbing.dev/prune: disabled',
      undefined,
    ]);
    const open = { enabled: true, allowNamespaces: true, allowCRDs: true, allowPVCs: true };
    expect(cases.map((o) => pruneGuard(o, open))).toEqual([undefined, undefined, undefined, 'annotation plumbing.dev/prune: disabled', undefined]);
    expect(pruneGuard(cases[4]!, { ...policy, enabled: false })).toBe('prune is disabled in the cluster config');
  });
});

describe('the no-op check', () => {
  const desired = [obj('v1', 'ConfigMap', 'a', 'ci', { data: { x: '1' } })];
  const live = (data: Record<string, string>, extra: Record<string, unknown> = {}) =>
    new Map([['ConfigMap/ci/a', { ...obj('v1', 'ConfigMap', 'a', 'ci', { data }), metadata: { name: 'a', namespace: 'ci', uid: 'u', resourceVersion: '7', managedFields: [] }, ...extra } as KubeObject]]);
  const state = { ...emptyInventory(), exists: true, lastGood: { revision: 3, hash: 'h1', time: '', objects: 1 } };

  it('is up to date when the hash is the last good one and every member holds its fields', () => {
    expect(upToDate(desired, 'h1', state, live({ x: '1' }))).toEqual({ upToDate: true, reason: 'no changes' });
  });
  it('sees a new content hash, a drifted field, a missing object and a member left to prune', () => {
    expect(upToDate(desired, 'h2', state, live({ x: '1' })).upToDate).toBe(false);
    expect(upToDate(desired, 'h1', state, live({ x: '2' }))).toEqual({ upToDate: false, reason: 'ConfigMap/ci/a drifted' });
    expect(upToDate(desired, 'h1', state, new Map())).toEqual({ upToDate: false, reason: 'ConfigMap/ci/a is missing' });
    const extra = live({ x: '1' });
    extra.set('ConfigMap/ci/b', obj('v1', 'ConfigMap', 'b', 'ci'));
    expect(upToDate(desired, 'h1', state, extra)).toEqual({ upToDate: false, reason: 'ConfigMap/ci/b is still there and should be pruned' });
    expect(upToDate(desired, 'h1', emptyInventory(), live({ x: '1' }))).toEqual({ upToDate: false, reason: 'nothing deployed yet' });
  });
  it('does not count a member kept by a prune guard as a pending change, nor take the fast path after an unfinished deploy', () => {
    const kept = live({ x: '1' });
    kept.set('Namespace//old', obj('v1', 'Namespace', 'old'));
    expect(upToDate(desired, 'h1', state, kept, policy)).toEqual({ upToDate: true, reason: 'no changes' });
    expect(upToDate(desired, 'h1', { ...state, inFlight: 'h2' }, live({ x: '1' }), policy)).toEqual({ upToDate: false, reason: 'the last deploy did not finish' });
  });
  it('ignores server defaults but not a changed list', () => {
    expect(holdsAll({ spec: { a: 1 } }, { spec: { a: 1, defaulted: true } })).toBe(true);
    expect(holdsAll({ list: [1, 2] }, { list: [1, 2, 3] })).toBe(false);
    expect(holdsAll({ port: 8080 }, { port: '8080' })).toBe(true);
  });
});

describe('plan diffing', () => {
  it('compares without server-owned metadata and status', () => {
    const live = obj('v1', 'ConfigMap', 'a', 'ci', { data: { x: '1' }, status: { y: 1 } });
    live.metadata = { ...live.metadata, uid: 'u', resourceVersion: '9', creationTimestamp: 't', managedFields: [{}], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } };
    expect(normalize(live)).toEqual({ apiVersion: 'v1', data: { x: '1' }, kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ci' } });
  });
  it('never shows a Secret value, only that it changed', () => {
    const secret = (v: string) => obj('v1', 'Secret', 's', 'ci', { data: { token: Buffer.from(v).toString('base64') }, stringData: { plain: v } });
    const d = unifiedDiff(toComparableYaml(secret('old-token')), toComparableYaml(secret('new-token')));
    expect(d).not.toMatch(/token-|b2xk|bmV3/);
    expect(d).toMatch(/^- {2}token: \(redacted, sha256 [0-9a-f]{12}\)$/m);
  });
  it('prints a unified diff with removed lines before added ones', () => {
    const a = 'apiVersion: v1\ndata:\n  level: info\nkind: ConfigMap\nmetadata:\n  name: a\n';
    const b = 'apiVersion: v1\ndata:\n  level: debug\nkind: ConfigMap\nmetadata:\n  name: a\n';
    expect(unifiedDiff(a, b)).toBe('--- live\n+++ desired\n@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  level: info\n+  level: debug\n kind: ConfigMap\n metadata:\n   name: a\n');
    expect(unifiedDiff(a, a)).toBe('');
  });
  it('formats a plan: changes, diffs and a summary line', () => {
    const plan: Plan = {
      cluster: 'demo',
      hash: 'abcdef0123456789',
      commit: undefined,
      items: [
        { action: 'create', key: 'Namespace//ci', apiVersion: 'v1', kind: 'Namespace', name: 'ci', stage: 0 },
        { action: 'update', key: 'ConfigMap/ci/a', apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: 'ci', stage: 1, diff: '--- live\n+++ desired\n' },
        { action: 'unchanged', key: 'ConfigMap/ci/b', apiVersion: 'v1', kind: 'ConfigMap', name: 'b', namespace: 'ci', stage: 1 },
        { action: 'prune', key: 'Task.tekton.dev/ci/old', apiVersion: 'tekton.dev/v1', kind: 'Task', name: 'old', namespace: 'ci', stage: 2 },
      ],
      counts: { create: 1, update: 1, unchanged: 1, prune: 1, keep: 0 },
    };
    expect(formatPlan(plan)).toBe(
      [
        '+ create    Namespace ci',
        '~ update    ConfigMap ci/a',
        '      --- live',
        '      +++ desired',
        '- prune     Task.tekton.dev ci/old',
        'plan for demo at abcdef012345: 1 to create, 1 to update, 1 unchanged, 1 to prune',
        '',
      ].join('\n'),
    );
  });
});
