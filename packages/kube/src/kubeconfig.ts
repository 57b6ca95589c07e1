import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { parse } from 'yaml';

/** What the port needs of a kubeconfig: where the server is, and how to authenticate a request. */
export interface KubeAuth {
  server: string;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

export interface KubeconfigSource {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  inCluster?: boolean | undefined;
}

interface NamedCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

interface NamedUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
  exec?: unknown;
  'auth-provider'?: unknown;
}

interface Kubeconfig {
  'current-context'?: string;
  clusters?: { name: string; cluster?: NamedCluster }[];
  users?: { name: string; user?: NamedUser }[];
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The reason a kubeconfig needs @kubernetes/client-node (exec plugins, auth providers): see `loadAuth`. */
export class NeedsSdk extends Error {}

function configError(message: string, hint?: string): PlumbingError {
  return new PlumbingError('KUBE_CONFIG', message, hint === undefined ? {} : { hint });
}

function readAt(base: string, p: string): Buffer {
  return readFileSync(isAbsolute(p) ? p : join(base, p));
}

/** The kubeconfig files (--kubeconfig, else $KUBECONFIG, else ~/.kube/config) merged as kubectl merges them. */
function readKubeconfigs(src: KubeconfigSource, env: NodeJS.ProcessEnv): { merged: Kubeconfig; baseOf: Map<object, string> } {
  const files = src.kubeconfig ? [src.kubeconfig] : (env.KUBECONFIG ?? join(homedir(), '.kube', 'config')).split(delimiter).filter(Boolean);
  // Several files merge as kubectl merges them: the first definition of a name wins.
  const merged: Kubeconfig = { clusters: [], users: [], contexts: [] };
  const baseOf = new Map<object, string>();
  let loaded = 0;
  for (const f of files) {
    let doc: Kubeconfig;
    try {
      doc = (parse(readFileSync(f, 'utf8')) ?? {}) as Kubeconfig;
    } catch (e) {
      if (files.length > 1 && (e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw configError(`cannot load the kubeconfig ${f}: ${(e as Error).message.split('\n')[0]}`);
    }
    loaded++;
    const current = doc['current-context'];
    if (merged['current-context'] === undefined && current) merged['current-context'] = current;
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const item of doc[key] ?? []) {
        const list = merged[key] as { name: string }[];
        if (!list.some((x) => x.name === item.name)) {
          list.push(item);
          baseOf.set(item, dirname(f));
        }
      }
    }
  }
  if (loaded === 0) throw configError(`no kubeconfig found (${files.join(', ')})`, 'pass --kubeconfig, set KUBECONFIG, or use --in-cluster');
  return { merged, baseOf };
}

/** The context a connection would use (the given one, else the kubeconfig's current context); undefined when there is no kubeconfig. */
export function currentContext(src: KubeconfigSource = {}, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (src.inCluster) return undefined;
  if (src.context) return src.context;
  try {
    return readKubeconfigs(src, env).merged['current-context'] || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a kubeconfig that authenticates with a token, a token file, a client certificate or a
 * user name and password, or the pod's service account, without @kubernetes/client-node (whose
 * import costs about half a second per command). Throws NeedsSdk for exec plugins and auth
 * providers, which the caller hands to the SDK. Errors name the file and the context, never a
 * credential.
 */
export function loadNativeAuth(src: KubeconfigSource, env: NodeJS.ProcessEnv = process.env): KubeAuth {
  if (src.inCluster) {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT ?? '443';
    if (!host) throw configError('not running in a cluster: KUBERNETES_SERVICE_HOST is not set', 'drop --in-cluster, or run inside a pod');
    const ca = readFileSync(join(SA_DIR, 'ca.crt'));
    return {
      server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
      // The projected token rotates: read it for every request, as client-go does.
      applyToHTTPSOptions: async (o) => {
        o.ca = ca;
        o.headers = { ...o.headers, Authorization: `Bearer ${readFileSync(join(SA_DIR, 'token'), 'utf8').trim()}` };
      },
    };
  }
  const { merged, baseOf } = readKubeconfigs(src, env);
  const ctxName = src.context ?? merged['current-context'];
  if (!ctxName) throw configError('the kubeconfig has no current context', 'pass --context');
  const ctx = merged.contexts?.find((c) => c.name === ctxName);
  if (!ctx) throw configError(`no context "${ctxName}" in the kubeconfig`, `contexts: ${merged.contexts?.map((c) => c.name).join(', ') || 'none'}`);
  const clusterEntry = merged.clusters?.find((c) => c.name === ctx.context?.cluster);
  const cluster = clusterEntry?.cluster;
  if (!cluster?.server) throw configError(`context "${ctxName}" names no cluster with a server`);
  const userEntry = merged.users?.find((u) => u.name === ctx.context?.user);
  const user = userEntry?.user ?? {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined) throw new NeedsSdk('exec or auth-provider credentials');
  const cbase = clusterEntry ? (baseOf.get(clusterEntry) ?? '.') : '.';
  const ubase = userEntry ? (baseOf.get(userEntry) ?? '.') : '.';
  const ca = cluster['certificate-authority-data'] ? Buffer.from(cluster['certificate-authority-data'], 'base64') : cluster['certificate-authority'] ? readAt(cbase, cluster['certificate-authority']) : undefined;
  const cert = user['client-certificate-data'] ? Buffer.from(user['client-certificate-data'], 'base64') : user['client-certificate'] ? readAt(ubase, user['client-certificate']) : undefined;
  const key = user['client-key-data'] ? Buffer.from(user['client-key-data'], 'base64') : user['client-key'] ? readAt(ubase, user['client-key']) : undefined;
  const tokenFile = user.tokenFile;
  return {
    server: cluster.server,
    applyToHTTPSOptions: async (o) => {
      if (ca) o.ca = ca;
      if (cert) o.cert = cert;
      if (key) o.key = key;
      if (cluster['insecure-skip-tls-verify']) o.rejectUnauthorized = false;
      if (cluster['tls-server-name']) o.servername = cluster['tls-server-name'];
      const token = user.token ?? (tokenFile ? readAt(ubase, tokenFile).toString('utf8').trim() : undefined);
      if (token) o.headers = { ...o.headers, Authorization: `Bearer ${token}` };
      else if (user.username !== undefined) o.auth = `${user.username}:${user.password ?? ''}`;
    },
  };
}
