import { describe, expect, it } from 'vitest';
import { kubeError, statusOf } from './errors.js';
import { groupKind, objectKey, splitApiVersion } from './types.js';

describe('kubeError', () => {
  it('maps an API Status to a code and keeps its message, without the query string', () => {
    const body = JSON.stringify({ kind: 'Status', reason: 'Conflict', message: 'leases "x" already exists' });
    const e = kubeError(409, 'POST', '/apis/coordination.k8s.io/v1/namespaces/p/leases?dryRun=All', body);
    expect({ code: e.code, message: e.message, status: statusOf(e) }).toEqual({
      code: 'KUBE_CONFLICT',
      message: 'POST /apis/coordination.k8s.io/v1/namespaces/p/leases: 409 Conflict: leases "x" already exists',
      status: 409,
    });
  });

  it('treats any 5xx as a server error', () => {
    expect(kubeError(503, 'GET', '/api/v1', 'unavailable').code).toBe('KUBE_SERVER_ERROR');
  });
});

describe('group kinds', () => {
  it('writes core kinds bare and others as Kind.group', () => {
    expect([groupKind('v1', 'ConfigMap'), groupKind('tekton.dev/v1', 'Task')]).toEqual(['ConfigMap', 'Task.tekton.dev']);
    expect(splitApiVersion('rbac.authorization.k8s.io/v1')).toEqual({ group: 'rbac.authorization.k8s.io', version: 'v1' });
    expect(objectKey({ apiVersion: 'v1', kind: 'Namespace', name: 'a' })).toBe('Namespace//a');
  });
});
