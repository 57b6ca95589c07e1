/**
 * The service's settings: the `serve` section of the cluster config (clusters/<c>/cluster.yaml
 * `spec.serve`), then command-line flags. Everything has a default, so a fresh clone serves
 * with no configuration at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, type JsonMap, loadYaml, UsageError } from '@plumbing/model';

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface ServeSettings {
  /** Where run links point: `<publicUrl>/runs/<name>`. */
  publicUrl: string;
  concurrency: { global: number; perRepository: number };
  queueTimeoutMs: number;
  privateRepositories: string[];
  /** Commit status context prefix: `<context>/<job>`. */
  statusContext: string;
  /** Secret holding the GitHub token for statuses (absent or unreadable: statuses are logged). */
  githubToken?: SecretKeyRef;
  /** Secret holding the API's bearer token for cancel and rerun. */
  apiToken?: SecretKeyRef;
  org?: string;
  trustedTeams: string[];
  /** GitHub API URL (tests point it at the local GitHub protocol server). */
  githubApiUrl?: string;
}

function secretRef(v: unknown, where: string): SecretKeyRef | undefined {
  if (v === undefined) return undefined;
  if (!isMap(v) || typeof v.secretName !== 'string' || typeof v.secretKey !== 'string') throw new UsageError(`${where}: expected {secretName, secretKey}`);
  return { name: v.secretName, key: v.secretKey };
}

function posInt(v: unknown, dflt: number, where: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`${where}: expected a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads `spec.serve` of a Cluster config document (any missing field takes its default). */
export function serveSettings(clusterSpec: JsonMap | undefined, port: number): ServeSettings {
  const s = clusterSpec && isMap(clusterSpec.serve) ? clusterSpec.serve : {};
  const conc = isMap(s.concurrency) ? s.concurrency : {};
  const out: ServeSettings = {
    publicUrl: typeof s.publicUrl === 'string' ? s.publicUrl : `http://localhost:${port}`,
    concurrency: { global: posInt(conc.global, 4, 'spec.serve.concurrency.global'), perRepository: posInt(conc.perRepository, 2, 'spec.serve.concurrency.perRepository') },
    queueTimeoutMs: posInt(s.queueTimeoutMinutes, 24 * 60, 'spec.serve.queueTimeoutMinutes') * 60_000,
    privateRepositories: Array.isArray(s.privateRepositories) ? s.privateRepositories.map(String) : [],
    statusContext: typeof s.statusContext === 'string' ? s.statusContext : 'plumbing',
    trustedTeams: Array.isArray(s.trustedTeams) ? s.trustedTeams.map(String) : [],
  };
  const gh = secretRef(s.githubTokenSecret, 'spec.serve.githubTokenSecret');
  if (gh) out.githubToken = gh;
  const api = secretRef(s.apiTokenSecret, 'spec.serve.apiTokenSecret');
  if (api) out.apiToken = api;
  if (typeof s.org === 'string') out.org = s.org;
  if (typeof s.githubApiUrl === 'string') out.githubApiUrl = s.githubApiUrl;
  return out;
}

/** `spec` of `clusters/<cluster>/cluster.yaml`, when it has one. */
export function clusterSpec(root: string, cluster: string): JsonMap | undefined {
  const file = join(root, 'clusters', cluster, 'cluster.yaml');
  if (!existsSync(file)) return undefined;
  const doc = loadYaml(`clusters/${cluster}/cluster.yaml`, readFileSync(file, 'utf8')).docs.find((d) => d.kind === 'Cluster');
  return doc && isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : undefined;
}
