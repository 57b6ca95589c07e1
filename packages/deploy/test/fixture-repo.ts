import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeClient } from '@plumbing/kube';
import { type ClusterConfig, PlumbingError } from '@plumbing/model';
import { stringify } from 'yaml';
import { loadClusterConfig } from '../src/render.js';

/** A repository in a temp dir: clusters/<name>/cluster.yaml plus the given files. */
export class FixtureRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'plumbing-deploy-'));
  constructor(readonly cluster: string) {}

  write(path: string, content: string | object | object[]): this {
    const abs = join(this.root, path);
    mkdirSync(dirname(abs), { recursive: true });
    const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((c) => stringify(c)).join('---\n') : stringify(content);
    writeFileSync(abs, text);
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.root, path), { force: true, recursive: true });
    return this;
  }

  /** Writes clusters/<name>/cluster.yaml with these spec fields (sources default to clusters/<name>). */
  config(spec: Record<string, unknown> = {}): this {
    return this.write(`clusters/${this.cluster}/cluster.yaml`, {
      apiVersion: 'plumbing.dev/v1alpha1',
      kind: 'Cluster',
      metadata: { name: this.cluster },
      spec: { context: 'testenv', stateNamespace: `${this.cluster}-state`, sources: [{ path: `clusters/${this.cluster}/manifests`, namespace: `${this.cluster}-a` }], historyLimit: 5, leaseSeconds: 30, ...spec },
    });
  }

  load(): ClusterConfig {
    return loadClusterConfig(this.root, this.cluster);
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A port on the API server the globalSetup started (KUBECONFIG points at it). */
export function testPort(): Promise<KubeClient> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new PlumbingError('KUBE_TESTENV_MISSING', 'KUBECONFIG is not set: run through vitest.e2e.config.ts');
  return KubeClient.connect({ kubeconfig });
}

export function ns(name: string, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function configMap(name: string, data: Record<string, string>, namespace?: string): object {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: namespace ? { name, namespace } : { name }, data };
}

export function task(name: string, image = 'alpine:3.20', script = 'echo hi'): object {
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'Task',
    metadata: { name, labels: { 'app.kubernetes.io/version': '0.1' } },
    spec: { description: `task ${name}`, steps: [{ name: 'run', image, script }] },
  };
}

export function serviceAccount(name: string): object {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } };
}

export function role(name: string): object {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules: [{ apiGroups: ['tekton.dev'], resources: ['pipelineruns'], verbs: ['get', 'list', 'create'] }] };
}
