import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { parseAllDocuments } from 'yaml';
import { runChecked } from './exec.js';
import { GO_BUILD_ENV } from './go-modules.js';
import { kubeCall, kubeRequest, serverSideApply } from './kube-client.js';
import { type KubeConnection, loadKubeconfig } from './kubeconfig.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { KUBE_VERSIONS, type KubeVersions } from './versions.js';

/** A CustomResourceDefinition as a plain object, ready to apply. */
export interface CrdDocument {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string } & Record<string, unknown>;
  readonly spec: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

/**
 * Keeps only the apiextensions.k8s.io/v1 CustomResourceDefinitions of a (multi-document) YAML
 * text. A `Webhook` conversion strategy becomes `None`: no conversion webhook runs in a test
 * cluster, and with `None` the API server serves every version by rewriting apiVersion.
 */
export function selectCrds(text: string, source: string): CrdDocument[] {
  const out: CrdDocument[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new PlumbingError('TEKTON_CRD_INVALID', `${source}: ${doc.errors[0]?.message ?? 'YAML error'}`);
    }
    const value = doc.toJS() as Obj | null;
    if (!value || typeof value !== 'object') continue;
    if (value.kind !== 'CustomResourceDefinition' || value.apiVersion !== 'apiextensions.k8s.io/v1') continue;
    const metadata = value.metadata as Obj | undefined;
    const spec = value.spec as Obj | undefined;
    if (typeof metadata?.name !== 'string' || !spec) {
      throw new PlumbingError('TEKTON_CRD_INVALID', `${source}: CustomResourceDefinition without metadata.name or spec`);
    }
    out.push(withoutConversionWebhook(value as unknown as CrdDocument));
  }
  return out;
}

/** The CRD with a `Webhook` conversion replaced by `None` (other strategies kept as they are). */
export function withoutConversionWebhook(crd: CrdDocument): CrdDocument {
  const conversion = crd.spec.conversion as Obj | undefined;
  if (conversion?.strategy !== 'Webhook') return crd;
  return { ...crd, spec: { ...crd.spec, conversion: { strategy: 'None' } } };
}

/** The Go modules the Tekton CRDs come from, at the pinned versions. */
export function tektonModules(versions: Pick<KubeVersions, 'tektonPipeline' | 'tektonTriggers'>): string[] {
  return [`github.com/tektoncd/pipeline@${versions.tektonPipeline}`, `github.com/tektoncd/triggers@${versions.tektonTriggers}`];
}

async function yamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

export interface LoadTektonCrdsOptions {
  readonly versions?: KubeVersions;
  readonly env?: NodeJS.ProcessEnv;
  readonly go?: string;
}

/**
 * Downloads the Tekton Pipelines and Triggers modules through the Go module proxy (`go mod
 * download -json`, cached in GOMODCACHE) and returns the CRDs found under their config/ folders.
 */
export async function loadTektonCrds(opts: LoadTektonCrdsOptions = {}): Promise<CrdDocument[]> {
  const env = { ...(opts.env ?? process.env), ...GO_BUILD_ENV };
  const crds: CrdDocument[] = [];
  for (const mod of tektonModules(opts.versions ?? KUBE_VERSIONS)) {
    const res = await runChecked(opts.go ?? env.GO ?? 'go', ['mod', 'download', '-json', mod], { cwd: tmpdir(), env });
    const info = JSON.parse(res.stdout) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new PlumbingError('TEKTON_CRD_DOWNLOAD', `go mod download ${mod}: ${info.Error ?? 'no Dir'}`);
    const config = join(info.Dir, 'config');
    for (const file of await yamlFiles(config)) {
      crds.push(...selectCrds(await readFile(file, 'utf8'), `${mod}/${relative(info.Dir, file)}`));
    }
  }
  if (crds.length === 0) throw new PlumbingError('TEKTON_CRD_DOWNLOAD', 'no CustomResourceDefinitions found in the Tekton modules');
  return crds;
}

function established(crd: unknown): boolean {
  const conditions = ((crd as Obj | undefined)?.status as Obj | undefined)?.conditions;
  return Array.isArray(conditions) && conditions.some((c: Obj) => c.type === 'Established' && c.status === 'True');
}

export interface ApplyCrdsOptions {
  /**
   * Also force-apply CRDs that already exist (default false: those are left alone, so pointing
   * KUBECONFIG at a real cluster never strips the conversion webhook of its Tekton install).
   */
  readonly replaceExisting?: boolean;
  readonly timeoutMs?: number;
}

/** Server-side applies the CRDs that are missing (or all, with replaceExisting) and waits until each is Established. Returns their names. */
export async function applyCrds(conn: KubeConnection, crds: readonly CrdDocument[], opts: ApplyCrdsOptions = {}): Promise<string[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  for (const crd of crds) {
    const path = `${base}/${crd.metadata.name}`;
    if (!opts.replaceExisting) {
      const existing = await kubeRequest(conn, { method: 'GET', path });
      if (existing.status === 200) continue;
      if (existing.status !== 404) await kubeCall(conn, { method: 'GET', path }); // throws with the API's message
    }
    await serverSideApply(conn, path, crd);
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    while (!established(await kubeCall(conn, { method: 'GET', path: `${base}/${crd.metadata.name}` }))) {
      if (Date.now() > deadline) throw new PlumbingError('TEKTON_CRD_NOT_ESTABLISHED', `${crd.metadata.name} not Established after ${timeoutMs} ms`);
      await sleep(200);
    }
  }
  return crds.map((c) => c.metadata.name);
}

/**
 * Installs the pinned Tekton Pipelines and Triggers CRDs into a cluster (a kubeconfig path or a
 * connection) and waits until they are Established. CRDs already there are kept unless
 * `replaceExisting` is set.
 */
export async function installTektonCrds(target: string | KubeConnection, opts: LoadTektonCrdsOptions & ApplyCrdsOptions = {}): Promise<string[]> {
  const conn = typeof target === 'string' ? await loadKubeconfig(target) : target;
  return applyCrds(conn, await loadTektonCrds(opts), opts);
}
