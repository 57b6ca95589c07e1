import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { PlumbingError } from '@plumbing/model';
import type { KubeConnection } from './kubeconfig.js';

/** The one port to the Kubernetes API in this package: plain HTTPS, no client library. */
export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly timeoutMs?: number;
}

export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Sends one request; any HTTP status is a response, only transport failures throw. */
export function kubeRequest(conn: KubeConnection, req: KubeRequest): Promise<KubeResponse> {
  const url = new URL(conn.server.replace(/\/$/, '') + req.path);
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = req.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise((resolve, reject) => {
    const r = send(
      url,
      {
        method: req.method,
        headers,
        ...(conn.ca ? { ca: conn.ca } : {}),
        ...(conn.clientCert && conn.clientKey ? { cert: conn.clientCert, key: conn.clientKey } : {}),
        rejectUnauthorized: !conn.insecureSkipTlsVerify,
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON (e.g. /readyz's "ok"): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`timed out after ${req.timeoutMs ?? 30_000} ms`)));
    r.on('error', (err) =>
      reject(new PlumbingError('KUBE_API_UNREACHABLE', `${req.method} ${url.origin}${url.pathname}: ${err.message}`, { cause: err })),
    );
    r.end(payload);
  });
}

function statusMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return typeof body === 'string' ? body.slice(0, 500) : '';
}

/** Sends a request and returns the JSON body; a status >= 400 is a failure with the API's message. */
export async function kubeCall(conn: KubeConnection, req: KubeRequest): Promise<unknown> {
  const res = await kubeRequest(conn, req);
  if (res.status >= 400) {
    throw new PlumbingError('KUBE_API_ERROR', `${req.method} ${req.path.split('?')[0]}: HTTP ${res.status}: ${statusMessage(res.body)}`, {
      cause: res.body,
    });
  }
  return res.body;
}

/** Server-side apply of one object (JSON is valid apply-patch YAML), forcing ownership. */
export function serverSideApply(conn: KubeConnection, path: string, object: unknown, fieldManager = 'plumbing-kube-testenv'): Promise<unknown> {
  const q = new URLSearchParams({ fieldManager, force: 'true' });
  return kubeCall(conn, { method: 'PATCH', path: `${path}?${q}`, body: object, contentType: 'application/apply-patch+yaml' });
}
