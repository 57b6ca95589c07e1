/**
 * The dashboard's settings: `spec.serve.dashboard` of clusters/<cluster>/cluster.yaml, secrets
 * read through serve's secret reader (`--secrets DIR`). Explicit options (tests) win.
 *
 *   spec.serve.dashboard:
 *     oauth: { clientId: Iv1.abc, clientSecretSecret: { secretName: github-oauth, secretKey: client-secret }, webUrl: https://github.com }
 *     sessionSecret: { secretName: dashboard, secretKey: session }   # without it: a random key per start
 *     exportBaseUrl: https://logs.example.org/plumbing                # where `plumbing dashboard export` is published
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, type JsonMap, loadYaml, UsageError } from '@plumbing/model';
import type { Core } from '@plumbing/serve';
import { randomToken } from './session.js';

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  /** github.com (tests: the local GitHub server). */
  webUrl?: string;
}

export interface DashboardConfig {
  oauth?: OAuthSettings;
  sessionSecret: string;
  exportBaseUrl?: string;
}

function secret(core: Core, v: unknown, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (!isMap(v) || typeof v.secretName !== 'string' || typeof v.secretKey !== 'string') throw new UsageError(`${where}: expected {secretName, secretKey}`);
  return core.secrets(v.secretName, v.secretKey);
}

function dashboardSpec(core: Core): JsonMap {
  const file = join(core.root, 'clusters', core.opts.cluster, 'cluster.yaml');
  if (!existsSync(file)) return {};
  const doc = loadYaml(`clusters/${core.opts.cluster}/cluster.yaml`, readFileSync(file, 'utf8')).docs.find((d) => d.kind === 'Cluster');
  const spec = doc && isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : {};
  return isMap(spec.serve) && isMap(spec.serve.dashboard) ? spec.serve.dashboard : {};
}

/** Reads the settings once per service; an OAuth app without its secret is a usage error that says where. */
export function readDashboardConfig(core: Core, explicit: Partial<DashboardConfig> = {}): DashboardConfig {
  const d = dashboardSpec(core);
  const where = `clusters/${core.opts.cluster}/cluster.yaml spec.serve.dashboard`;
  const out: DashboardConfig = { sessionSecret: explicit.sessionSecret ?? secret(core, d.sessionSecret, `${where}.sessionSecret`) ?? randomToken() };
  if (explicit.oauth) out.oauth = explicit.oauth;
  else if (isMap(d.oauth)) {
    if (typeof d.oauth.clientId !== 'string') throw new UsageError(`${where}.oauth.clientId: expected a string`);
    const clientSecret = secret(core, d.oauth.clientSecretSecret, `${where}.oauth.clientSecretSecret`);
    if (!clientSecret) throw new UsageError(`${where}.oauth.clientSecretSecret: the secret is not in --secrets`);
    out.oauth = { clientId: d.oauth.clientId, clientSecret, ...(typeof d.oauth.webUrl === 'string' ? { webUrl: d.oauth.webUrl } : {}) };
  }
  const base = explicit.exportBaseUrl ?? (typeof d.exportBaseUrl === 'string' ? d.exportBaseUrl : undefined);
  if (base) out.exportBaseUrl = base.replace(/\/+$/, '');
  return out;
}
