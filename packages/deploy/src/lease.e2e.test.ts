import type { KubeClient } from '@plumbing/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPort } from '../test/fixture-repo.js';
import { ensureStateNamespace } from './engine.js';
import { acquireLease } from './lease.js';

describe('the deploy Lease on a real API server', () => {
  let port: KubeClient;
  const namespace = 'e2e-lease';
  beforeAll(async () => {
    port = await testPort();
    await ensureStateNamespace(port, namespace);
  });
  afterAll(() => port.close());

  it('is renewed while held, so that an expiry never lets a second deploy in', async () => {
    const held = await acquireLease({ port, namespace, name: 'renewed', holder: 'a', durationSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1800));
    await expect(acquireLease({ port, namespace, name: 'renewed', holder: 'b', durationSeconds: 1 })).rejects.toMatchObject({ code: 'DEPLOY_LOCKED', message: expect.stringContaining(': a, until ') });
    const lease = await port.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'renewed', namespace });
    expect(lease?.spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    await held.release();
    const b = await acquireLease({ port, namespace, name: 'renewed', holder: 'b', durationSeconds: 1 });
    expect((await port.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'renewed', namespace }))?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    await b.release();
  });

  it('tells the holder when another took the lease over, through its abort signal', async () => {
    const held = await acquireLease({ port, namespace, name: 'stolen', holder: 'a', durationSeconds: 1 });
    const lease = await port.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'stolen', namespace });
    await port.replace({ ...lease!, spec: { ...(lease!.spec as object), holderIdentity: 'intruder' } });
    // No count limit: on a busy machine this may take long; the test timeout is the ceiling.
    while (!held.lost.aborted) await new Promise((r) => setTimeout(r, 100));
    expect(held.lost.aborted).toBe(true);
    expect(String(held.lost.reason)).toMatch(/lost the lease e2e-lease\/stolen/);
    await held.release();
    expect((await port.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'stolen', namespace }))?.spec).toMatchObject({ holderIdentity: 'intruder' });
  });
});
