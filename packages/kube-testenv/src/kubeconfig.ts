import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { parse, stringify } from 'yaml';

/** What a client needs to talk to an API server: the parts of a kubeconfig kube-testenv supports. */
export interface KubeConnection {
  readonly server: string;
  /** PEM of the CA that signed the serving certificate; undefined means the system roots. */
  readonly ca?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly token?: string;
  readonly clientCert?: string;
  readonly clientKey?: string;
  readonly namespace?: string;
}

export interface RenderKubeconfigInput {
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
  readonly name?: string;
  readonly user?: string;
}

/** A kubeconfig with one cluster, one token user and one current context. */
export function renderKubeconfig(input: RenderKubeconfigInput): string {
  const name = input.name ?? 'kube-testenv';
  const user = input.user ?? 'admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.server, 'certificate-authority-data': Buffer.from(input.caPem).toString('base64') } }],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes a kubeconfig readable only by its owner (it holds a credential). */
export async function writeKubeconfig(path: string, input: RenderKubeconfigInput): Promise<void> {
  await writeFile(path, renderKubeconfig(input), { mode: 0o600 });
}

type Named<T> = { name?: unknown } & T;
type Obj = Record<string, unknown>;

function byName(list: unknown, name: string, what: string, source: string): Obj {
  const found = Array.isArray(list) ? (list as Named<Obj>[]).find((e) => e?.name === name) : undefined;
  const inner = found?.[what];
  if (!inner || typeof inner !== 'object') {
    throw new PlumbingError('KUBECONFIG_INVALID', `${source}: no ${what} named "${name}"`);
  }
  return inner as Obj;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Reads the current context of a kubeconfig (YAML or JSON text). Supports certificate-authority
 * (file or data), bearer tokens (inline or file) and client certificates; exec and auth-provider
 * plugins are not supported. `readFileText` resolves files relative to the kubeconfig.
 */
export function parseKubeconfig(text: string, source: string, readFileText: (path: string) => string): KubeConnection {
  const doc = parse(text) as Obj | null;
  if (!doc || typeof doc !== 'object') throw new PlumbingError('KUBECONFIG_INVALID', `${source}: not a kubeconfig`);
  const ctxName = str(doc['current-context']);
  if (!ctxName) throw new PlumbingError('KUBECONFIG_INVALID', `${source}: no current-context`);
  const ctx = byName(doc.contexts, ctxName, 'context', source);
  const cluster = byName(doc.clusters, String(ctx.cluster), 'cluster', source);
  const user = str(ctx.user) ? byName(doc.users, String(ctx.user), 'user', source) : {};
  const server = str(cluster.server);
  if (!server) throw new PlumbingError('KUBECONFIG_INVALID', `${source}: cluster "${String(ctx.cluster)}" has no server`);
  if (user.exec || user['auth-provider']) {
    throw new PlumbingError('KUBECONFIG_UNSUPPORTED', `${source}: exec and auth-provider users are not supported by kube-testenv`);
  }
  const fileOrData = (fileKey: string, dataKey: string, o: Obj): string | undefined => {
    const data = str(o[dataKey]);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = str(o[fileKey]);
    return file ? readFileText(file) : undefined;
  };
  const token = str(user.token) ?? (str(user.tokenFile) ? readFileText(String(user.tokenFile)).trim() : undefined);
  const conn: { -readonly [K in keyof KubeConnection]: KubeConnection[K] } = { server };
  const ca = fileOrData('certificate-authority', 'certificate-authority-data', cluster);
  if (ca) conn.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) conn.insecureSkipTlsVerify = true;
  if (token) conn.token = token;
  const cert = fileOrData('client-certificate', 'client-certificate-data', user);
  const key = fileOrData('client-key', 'client-key-data', user);
  if (cert && key) {
    conn.clientCert = cert;
    conn.clientKey = key;
  }
  const ns = str(ctx.namespace);
  if (ns) conn.namespace = ns;
  return conn;
}

/** Reads and parses a kubeconfig file (the first one when given a KUBECONFIG-style path list). */
export async function loadKubeconfig(pathList: string): Promise<KubeConnection> {
  const path = pathList.split(':').find((p) => p !== '');
  if (!path) throw new PlumbingError('KUBECONFIG_INVALID', 'empty kubeconfig path');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PlumbingError('KUBECONFIG_INVALID', `cannot read kubeconfig ${path}`, { cause: err });
  }
  return parseKubeconfig(text, path, (p) => readFileSync(resolve(dirname(path), p), 'utf8'));
}
