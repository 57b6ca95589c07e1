/**
 * The distribution API client: manifests and blobs over http(s), answering auth challenges once
 * per repository, trying configured mirrors before the registry itself. Loopback and listed
 * insecure registries are spoken to over plain http.
 */
import { createHash } from 'node:crypto';
import { PlumbingError } from '@plumbing/model';
import { answerChallenge, parseChallenge } from './auth.js';
import type { CredentialStore } from './credentials.js';
import { MANIFEST_ACCEPT } from './manifest.js';
import { apiHost, formatReference, type ImageReference, isLoopback } from './reference.js';

export interface RegistrySettings {
  /** Registry (as in references, e.g. docker.io) → mirror hosts tried first, in order. */
  mirrors: Readonly<Record<string, readonly string[]>>;
  /** Registries spoken to over http (loopback always is). */
  insecure: readonly string[];
}

export interface FetchedManifest {
  body: Buffer;
  contentType: string | undefined;
  digest: string;
  /** The host that served it (a mirror or the registry). */
  host: string;
}

export const NO_REGISTRY_SETTINGS: RegistrySettings = { mirrors: {}, insecure: [] };

export class RegistryClient {
  private readonly auth = new Map<string, string>();

  constructor(
    private readonly settings: RegistrySettings,
    private readonly credentials: CredentialStore,
  ) {}

  /** Hosts to try for a registry: mirrors, then the registry's API host. */
  endpoints(registry: string): string[] {
    return [...(this.settings.mirrors[registry] ?? []), apiHost(registry)];
  }

  private base(host: string): string {
    const plain = isLoopback(host) || this.settings.insecure.includes(host);
    return `${plain ? 'http' : 'https'}://${host}`;
  }

  /** GET with auth: answers one 401 challenge, then caches the header for host+repository. */
  private async get(host: string, registry: string, repository: string, path: string, accept?: string): Promise<Response> {
    const key = `${host}|${repository}`;
    const url = `${this.base(host)}/v2/${repository}/${path}`;
    const headers: Record<string, string> = accept ? { accept } : {};
    const cached = this.auth.get(key);
    let res = await fetch(url, { headers: cached ? { ...headers, authorization: cached } : headers });
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate');
    await res.body?.cancel();
    if (!challenge) return res;
    const cred = this.credentials.get(registry) ?? this.credentials.get(host);
    const authorization = await answerChallenge(parseChallenge(challenge), `repository:${repository}:pull`, cred);
    if (!authorization) return res;
    this.auth.set(key, authorization);
    res = await fetch(url, { headers: { ...headers, authorization } });
    return res;
  }

  /** Tries each endpoint; a mirror that fails or lacks the content falls through to the next. */
  private async firstOk(ref: ImageReference, path: string, accept: string | undefined, what: string): Promise<{ res: Response; host: string }> {
    const hosts = this.endpoints(ref.registry);
    let last: PlumbingError | undefined;
    for (const [i, host] of hosts.entries()) {
      const isRegistry = i === hosts.length - 1;
      try {
        const res = await this.get(host, ref.registry, ref.repository, path, accept);
        if (res.ok) return { res, host };
        await res.body?.cancel();
        last = statusError(ref, host, res.status, what);
      } catch (err) {
        last =
          err instanceof PlumbingError
            ? err
            : new PlumbingError('OCI_REGISTRY_UNREACHABLE', `cannot reach registry ${host} for ${formatReference(ref)}: ${(err as Error).cause ?? (err as Error).message}`, {
                cause: err,
                hint: 'check the network, configure a mirror (images.mirrors in .plumbing.yaml), or run with --images host',
              });
      }
      if (isRegistry || !(last.code === 'OCI_REGISTRY_UNREACHABLE' || last.code === 'OCI_NOT_FOUND' || last.code === 'OCI_REGISTRY_ERROR')) throw last;
    }
    throw last ?? new PlumbingError('OCI_REGISTRY_UNREACHABLE', `no endpoint for ${ref.registry}`);
  }

  /** A manifest by tag or digest; its digest is computed (and checked against a pinned digest). */
  async manifest(ref: ImageReference, reference: string): Promise<FetchedManifest> {
    const { res, host } = await this.firstOk(ref, `manifests/${reference}`, MANIFEST_ACCEPT, `manifest ${reference}`);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw new PlumbingError('OCI_DIGEST_MISMATCH', `manifest ${reference} of ${formatReference(ref)} from ${host} has digest ${digest}: refused`);
    }
    return { body, contentType: res.headers.get('content-type') ?? undefined, digest, host };
  }

  /** A blob's response (its body is streamed and verified by the caller). */
  async blob(ref: ImageReference, digest: string): Promise<{ res: Response; host: string }> {
    return this.firstOk(ref, `blobs/${digest}`, undefined, `blob ${digest}`);
  }
}

function statusError(ref: ImageReference, host: string, status: number, what: string): PlumbingError {
  const image = formatReference(ref);
  if (status === 401 || status === 403) {
    return new PlumbingError('OCI_PULL_DENIED', `registry ${host} refused ${what} of ${image} (HTTP ${status}): not authorized`, {
      hint: `log in (credentials for ${ref.registry} in ~/.docker/config.json or DOCKER_CONFIG), pass a docker-config Secret, or run with --images host`,
    });
  }
  if (status === 404) {
    return new PlumbingError('OCI_NOT_FOUND', `registry ${host} has no ${what} for ${image} (HTTP 404)`, { hint: 'check the image name and tag' });
  }
  return new PlumbingError('OCI_REGISTRY_ERROR', `registry ${host} answered HTTP ${status} for ${what} of ${image}`, { hint: 'retry later, configure a mirror, or run with --images host' });
}
