/**
 * The service's settings: the `serve` section of the cluster config (clusters/<c>/cluster.yaml
 * `spec.serve`), then command-line flags. Everything has a default, so a fresh clone serves
 * with no configuration at all.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, type JsonMap, loadYaml, UsageError } from '@plumbing/model';
import { type NotifyConfig, parsePrPolicy, type PrPolicy } from '@plumbing/pr';

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface ServeSettings {
  /** Where run links point: `<publicUrl>/runs/<name>`. */
  publicUrl: string;
  concurrency: { global: number; perRepository: number };
  queueTimeoutMs: number;
  /** How long a running run's lease lasts without renewal before another replica takes it over (spec.serve.leaseSeconds, default 30). */
  leaseMs: number;
  /** How often the open pull requests are reconciled with GitHub's (spec.serve.reconcileMinutes, default 10; also at start). */
  reconcileMs: number;
  privateRepositories: string[];
  /** Commit status context prefix: `<context>/<job>`. */
  statusContext: string;
  /** Secret holding the GitHub token for statuses (absent or unreadable: statuses are logged). */
  githubToken?: SecretKeyRef;
  /** Secret holding the API's bearer token for cancel and rerun. */
  apiToken?: SecretKeyRef;
  /** GitHub API URL (tests point it at the local GitHub protocol server). */
  githubApiUrl?: string;
  /** Check runs as a GitHub App (app JWT → installation token) instead of commit statuses. */
  githubApp?: { appId: number; privateKey: SecretKeyRef; installationId?: number };
  /** The pull-request policy (@plumbing/pr), read from the same `spec.serve`; an empty org means the repository's owner. */
  policy: PrPolicy;
  /** The step whose log is `plumbing check --format json`: its findings become check-run annotations. */
  checkFindingsStep: string;
  notify: { githubIssue?: NonNullable<NotifyConfig['githubIssue']>; slackWebhook?: SecretKeyRef };
  retention?: RetentionSettings;
}

export interface RetentionSettings {
  /** Finished runs older than this are deleted. */
  maxAgeDays?: number;
  /** Beyond this many runs of one job, the oldest finished ones are deleted. */
  maxRunsPerJob?: number;
  /** Where logs go before their run is deleted (a Bucket URL: file://, gs://, s3://). */
  bucket?: string;
  intervalMs: number;
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
    leaseMs: posInt(s.leaseSeconds, 30, 'spec.serve.leaseSeconds') * 1000,
    reconcileMs: posInt(s.reconcileMinutes, 10, 'spec.serve.reconcileMinutes') * 60_000,
    privateRepositories: Array.isArray(s.privateRepositories) ? s.privateRepositories.map(String) : [],
    statusContext: typeof s.statusContext === 'string' ? s.statusContext : 'plumbing',
    policy: prPolicy(s),
    checkFindingsStep: typeof s.checkFindingsStep === 'string' ? s.checkFindingsStep : 'plumbing-check',
    notify: notifySettings(s.notify),
  };
  const gh = secretRef(s.githubTokenSecret, 'spec.serve.githubTokenSecret');
  if (gh) out.githubToken = gh;
  const api = secretRef(s.apiTokenSecret, 'spec.serve.apiTokenSecret');
  if (api) out.apiToken = api;
  if (typeof s.githubApiUrl === 'string') out.githubApiUrl = s.githubApiUrl;
  if (isMap(s.githubApp)) {
    const key = secretRef(s.githubApp.privateKeySecret, 'spec.serve.githubApp.privateKeySecret');
    if (!key || s.githubApp.appId === undefined) throw new UsageError('spec.serve.githubApp: expected {appId, privateKeySecret: {secretName, secretKey}, installationId?}');
    out.githubApp = { appId: posInt(s.githubApp.appId, 0, 'spec.serve.githubApp.appId'), privateKey: key };
    if (s.githubApp.installationId !== undefined) out.githubApp.installationId = posInt(s.githubApp.installationId, 0, 'spec.serve.githubApp.installationId');
  }
  if (isMap(s.retention)) out.retention = retentionSettings(s.retention);
  return out;
}

/** The pull-request policy from `spec.serve` (its problems are usage errors, except a missing org: then the repository's owner). */
function prPolicy(s: JsonMap): PrPolicy {
  const { policy, problems } = parsePrPolicy({ ...s, org: typeof s.org === 'string' ? s.org : '-' });
  if (problems.length) throw new UsageError(`spec.serve: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  if (typeof s.org !== 'string') {
    policy.org = '';
    if (!isMap(s.images) || typeof s.images.registry !== 'string') policy.images.registry = '';
  }
  return policy;
}

function notifySettings(v: unknown): ServeSettings['notify'] {
  if (v === undefined) return {};
  if (!isMap(v)) throw new UsageError('spec.serve.notify: expected a map');
  const out: ServeSettings['notify'] = {};
  if (isMap(v.githubIssue)) {
    if (typeof v.githubIssue.repository !== 'string') throw new UsageError('spec.serve.notify.githubIssue.repository: expected owner/name');
    out.githubIssue = { repository: v.githubIssue.repository, labels: Array.isArray(v.githubIssue.labels) ? v.githubIssue.labels.map(String) : [] };
  }
  const slack = secretRef(v.slackWebhookSecret, 'spec.serve.notify.slackWebhookSecret');
  if (slack) out.slackWebhook = slack;
  return out;
}

function retentionSettings(r: JsonMap): RetentionSettings {
  const out: RetentionSettings = { intervalMs: posInt(r.intervalMinutes, 60, 'spec.serve.retention.intervalMinutes') * 60_000 };
  if (r.maxAgeDays !== undefined) out.maxAgeDays = posInt(r.maxAgeDays, 0, 'spec.serve.retention.maxAgeDays');
  if (r.maxRunsPerJob !== undefined) out.maxRunsPerJob = posInt(r.maxRunsPerJob, 0, 'spec.serve.retention.maxRunsPerJob');
  if (typeof r.bucket === 'string') out.bucket = r.bucket;
  return out;
}

/** `spec` of `clusters/<cluster>/cluster.yaml`, when it has one. */
export function clusterSpec(root: string, cluster: string): JsonMap | undefined {
  const file = join(root, 'clusters', cluster, 'cluster.yaml');
  if (!existsSync(file)) return undefined;
  const doc = loadYaml(`clusters/${cluster}/cluster.yaml`, readFileSync(file, 'utf8')).docs.find((d) => d.kind === 'Cluster');
  return doc && isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : undefined;
}
