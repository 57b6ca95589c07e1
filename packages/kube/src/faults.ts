import { PlumbingError } from '@plumbing/model';
import type { ApplyOptions, KubeObject, KubePort, ListOptions, ObjectRef } from './types.js';

export type PortMethod = 'resolve' | 'apply' | 'get' | 'list' | 'create' | 'replace' | 'patchStatus' | 'patch' | 'logs' | 'delete';

/** Decides, before each call, whether it fails: return an error to throw, or undefined to let it through. */
export type FaultRule = (method: PortMethod, args: unknown[], n: number) => Error | undefined;

/**
 * A decorator around a real port that injects failures (as Helm's FailingKubeClient does): the
 * API server stays real, only the chosen calls fail. `n` counts calls of that method, from 1.
 */
export class FaultInjectingPort implements KubePort {
  readonly server: string;
  private readonly seen: Partial<Record<PortMethod, number>> = {};
  constructor(
    private readonly inner: KubePort,
    private rule: FaultRule,
  ) {
    this.server = inner.server;
  }

  setRule(rule: FaultRule): void {
    this.rule = rule;
  }

  private check(method: PortMethod, args: unknown[]): void {
    const n = (this.seen[method] ?? 0) + 1;
    this.seen[method] = n;
    const e = this.rule(method, args, n);
    if (e) throw e;
  }

  resolve(apiVersion: string, kind: string) {
    this.check('resolve', [apiVersion, kind]);
    return this.inner.resolve(apiVersion, kind);
  }
  apply(obj: KubeObject, opts?: ApplyOptions) {
    this.check('apply', [obj, opts]);
    return this.inner.apply(obj, opts);
  }
  get(ref: ObjectRef) {
    this.check('get', [ref]);
    return this.inner.get(ref);
  }
  list(apiVersion: string, kind: string, opts?: ListOptions) {
    this.check('list', [apiVersion, kind, opts]);
    return this.inner.list(apiVersion, kind, opts);
  }
  create(obj: KubeObject, opts?: { dryRun?: boolean }) {
    this.check('create', [obj, opts]);
    return this.inner.create(obj, opts);
  }
  replace(obj: KubeObject) {
    this.check('replace', [obj]);
    return this.inner.replace(obj);
  }
  patchStatus(ref: ObjectRef, status: Record<string, unknown>) {
    this.check('patchStatus', [ref, status]);
    return this.inner.patchStatus(ref, status);
  }
  patch(ref: ObjectRef, patch: Record<string, unknown>) {
    this.check('patch', [ref, patch]);
    return this.inner.patch(ref, patch);
  }
  logs(namespace: string, pod: string, container: string) {
    this.check('logs', [namespace, pod, container]);
    return this.inner.logs(namespace, pod, container);
  }
  delete(ref: ObjectRef, opts?: { dryRun?: boolean; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }) {
    this.check('delete', [ref, opts]);
    return this.inner.delete(ref, opts);
  }
  calls() {
    return this.inner.calls();
  }
  close() {
    this.inner.close();
  }
}

/** An injected failure, as the API would report one. */
export function injectedFault(message: string): PlumbingError {
  return new PlumbingError('KUBE_SERVER_ERROR', `injected fault: ${message}`);
}
