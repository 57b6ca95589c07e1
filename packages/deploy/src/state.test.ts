import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leaseHeld, microTime } from './lease.js';
import { checkHistorySize, decodeHistoryObjects, decodeHistoryRecord, decodeInventory, encodeHistory, encodeInventory, quarantined } from './state.js';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';

const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ci' } },
  { apiVersion: 'tekton.dev/v1', kind: 'Task', metadata: { name: 'lint', namespace: 'ci' }, spec: { steps: [{ name: 's', image: 'alpine', script: 'echo "a: b"\n' }] } },
];

describe('history encoding', () => {
  it('stores a revision as a gzipped Secret and reads back the same objects and record', () => {
    const record = { revision: 7, hash: 'f'.repeat(64), commit: 'abc123', time: '2026-01-01T00:00:00.000Z', objects: 2 };
    const secret = encodeHistory('demo', 'demo-system', record, objects);
    expect(secret.metadata).toMatchObject({ name: 'plumbing-history-demo-r7', namespace: 'demo-system', labels: { 'plumbing.dev/history': 'demo', 'plumbing.dev/revision': '7' } });
    expect(Object.keys(secret.data as object)).toEqual(['manifests.json.gz']);
    expect(decodeHistoryObjects(secret)).toEqual(objects);
    expect(decodeHistoryRecord(secret)).toEqual(record);
  });
  it('still reads a snapshot written as a gzipped YAML stream (the first format)', () => {
    const yamlStream = objects.map((o) => stringify(o)).join('---\n');
    const old = { ...encodeHistory('demo', 'demo-system', { revision: 1, hash: 'h', time: 't', objects: 2 }, objects), data: { 'manifests.yaml.gz': gzipSync(yamlStream).toString('base64') } };
    expect(decodeHistoryObjects(old)).toEqual(objects);
  });
  it('refuses a set whose history would not fit in a Secret', () => {
    const noise = Array.from({ length: 40 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` }, data: { blob: randomText(40_000) } }));
    expect(() => checkHistorySize(encodeHistory('demo', 'ns', { revision: 1, hash: 'h', time: 't', objects: 40 }, noise))).toThrow(expect.objectContaining({ code: 'DEPLOY_HISTORY_TOO_BIG' }));
    expect(() => checkHistorySize(encodeHistory('demo', 'ns', { revision: 1, hash: 'h', time: 't', objects: 2 }, objects))).not.toThrow();
  });
  it('records a rollback', () => {
    const secret = encodeHistory('demo', 'ns', { revision: 9, hash: 'h', time: 't', objects: 0, rollbackOf: 4 }, []);
    expect(decodeHistoryRecord(secret)).toEqual({ revision: 9, hash: 'h', time: 't', objects: 0, rollbackOf: 4 });
  });
});

describe('inventory encoding', () => {
  const state = {
    exists: true,
    kinds: [
      { apiVersion: 'tekton.dev/v1', kind: 'Task' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ],
    lastRevision: 2,
    lastGood: { revision: 2, hash: 'h2', time: 't', objects: 3 },
    bad: [{ hash: 'h3', commit: 'c3', time: 't', reason: 'health' }],
  };
  it('writes an ApplySet parent (id label, tooling, sorted group-kinds, additional namespaces) and reads the state back', () => {
    const parent = encodeInventory('demo', 'demo-system', 'applyset-x-v1', state, ['ci', 'demo-system', 'ci', 'other']);
    expect(parent.metadata.labels?.['applyset.kubernetes.io/id']).toBe('applyset-x-v1');
    expect(parent.metadata.annotations).toEqual({
      'applyset.kubernetes.io/tooling': 'plumbing/v1',
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Task.tekton.dev',
      'applyset.kubernetes.io/additional-namespaces': 'ci,other',
    });
    expect(decodeInventory(parent)).toEqual({ ...state, kinds: [state.kinds[1], state.kinds[0]] });
  });
  it('refuses a parent that another tool owns', () => {
    const parent = encodeInventory('demo', 'ns', 'id', state, []);
    parent.metadata.annotations!['applyset.kubernetes.io/tooling'] = 'kubectl/v1.34';
    expect(() => decodeInventory(parent)).toThrow(expect.objectContaining({ code: 'DEPLOY_FOREIGN_INVENTORY' }));
  });
  it('quarantines the same content of the same (or an unknown) commit, not a newer commit', () => {
    expect(quarantined(state, 'h3', 'c3')?.reason).toBe('health');
    expect(quarantined(state, 'h3', undefined)?.reason).toBe('health');
    expect(quarantined(state, 'h3', 'c4')).toBeUndefined();
    expect(quarantined(state, 'h4', 'c3')).toBeUndefined();
  });
});

describe('lease times', () => {
  it('writes MicroTime with 6 fractional digits and sees expiry', () => {
    const t = Date.parse('2026-01-01T00:00:00.123Z');
    expect(microTime(t)).toBe('2026-01-01T00:00:00.123000Z');
    const spec = { holderIdentity: 'a', leaseDurationSeconds: 10, renewTime: microTime(t) };
    expect(leaseHeld(spec, t + 9_999)).toEqual({ held: true, expiresAt: t + 10_000 });
    expect(leaseHeld(spec, t + 10_000).held).toBe(false);
    expect(leaseHeld({ leaseDurationSeconds: 10, renewTime: microTime(t) }, t).held).toBe(false);
  });
});

/** Incompressible text (random bytes as base64), so that gzip cannot shrink it. */
function randomText(n: number): string {
  return randomBytes(n).toString('base64');
}
