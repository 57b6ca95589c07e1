// HTTP plumbing of the fake: reading bodies, listening, redacting recorded headers, writing replies.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, type Reply } from './http.js';

export const REDACTED = '[REDACTED]';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function listen(server: Server): Promise<number> {
  // Node closes idle keep-alive sockets after 5 s; a client that reuses one in that instant gets
  // 'other side closed'. On a loaded machine gaps of 5 s happen between requests of one test, so
  // idle sockets are kept for a minute (close() ends them all anyway).
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function redactHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = k === 'authorization' || k === 'proxy-authorization' ? REDACTED : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** `token X` or `Bearer X`; null when there is no Authorization header; 401 for another scheme. */
export function presentedToken(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (h === undefined) return null;
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(h);
  if (!m?.[1]) throw new ApiError(401, 'Bad credentials');
  return m[1];
}

/**
 * The request body: JSON on the API host whatever the content type (as GitHub reads it: curl's
 * `--data` says form-encoded), else a form as an object (the OAuth endpoints), else 400.
 * Raw bytes (uploads) give undefined.
 */
export function parseBody(raw: Buffer, req: IncomingMessage, host: 'api' | 'uploads'): unknown {
  if (host !== 'api' || raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    throw new ApiError(400, 'Problems parsing JSON');
  }
}

export function writeReply(res: ServerResponse, reply: Reply, headers: Record<string, string>): void {
  if (reply.raw) {
    res.writeHead(reply.status, { 'content-length': String(reply.raw.length), ...headers });
    res.end(reply.raw);
  } else if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
  } else {
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  }
}
