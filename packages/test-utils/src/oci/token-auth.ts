// A front for a registry (crane's) adding what it has not: the distribution token protocol
// (https://distribution.github.io/distribution/spec/auth/token/) and a faulty network. With
// `auth`, /v2/ requests without a valid bearer token get 401 with `WWW-Authenticate: Bearer
// realm=".../token",service=...,scope=...`; GET /token (Basic credentials, or none for anonymous
// pulls of public repositories) returns `{"token": ...}`; valid requests are proxied to the
// registry. `corruptBlobs` flips a byte of those blobs in transit (a broken proxy: crane's registry
// itself refuses to serve a blob corrupted on its disk). Used because crane's registry cannot
// authenticate and no real token service (Docker Hub's) is reachable from here.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transform } from 'node:stream';

export interface TokenAuthFrontOptions {
  /** The registry behind, e.g. `http://127.0.0.1:5000`. */
  upstream: string;
  /** Token auth; without it every request is proxied. */
  auth?: {
    /** user → password of the accounts the token endpoint accepts. */
    users: Record<string, string>;
    /** Repositories only an authenticated user may pull (others are public). */
    privateRepositories: readonly string[];
    service?: string;
  };
  /** Digests of blobs whose bytes are altered on the way (same length). */
  corruptBlobs?: readonly string[];
}

export interface TokenAuthFront {
  host: string;
  url: string;
  /** Every request: method, path, status, and the user the token was issued to (or null). */
  requests: { method: string; path: string; status: number; user: string | null }[];
  close(): Promise<void>;
}

interface Grant {
  user: string | null;
  repositories: Set<string>;
}

function basicUser(req: IncomingMessage, users: Record<string, string>): string | null | false {
  const h = req.headers.authorization;
  if (!h) return null;
  if (!h.startsWith('Basic ')) return false;
  const [u, ...p] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
  return u !== undefined && users[u] !== undefined && users[u] === p.join(':') ? u : false;
}

/** Flips the bits of the first byte it passes. */
function corrupting(): Transform {
  let done = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!done && chunk.length > 0) {
        const copy = Buffer.from(chunk);
        copy[0] = (copy[0] ?? 0) ^ 0xff;
        done = true;
        cb(null, copy);
      } else cb(null, chunk);
    },
  });
}

export async function startTokenAuthFront(opts: TokenAuthFrontOptions): Promise<TokenAuthFront> {
  const service = opts.auth?.service ?? 'plumbing-test-registry';
  const users = opts.auth?.users ?? {};
  const privateRepositories = opts.auth?.privateRepositories ?? [];
  const tokens = new Map<string, Grant>();
  const requests: TokenAuthFront['requests'] = [];
  let base = '';
  const issue = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    const user = basicUser(req, users);
    if (user === false) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
      return;
    }
    const repositories = new Set<string>();
    for (const scope of url.searchParams.getAll('scope')) {
      const [kind, name] = scope.split(':');
      if (kind === 'repository' && name && (user !== null || !privateRepositories.includes(name))) repositories.add(name);
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, { user, repositories });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const record = (status: number, user: string | null): void => {
      requests.push({ method: req.method ?? '', path: url.pathname, status, user });
    };
    if (url.pathname === '/token') {
      issue(req, res, url);
      record(res.statusCode, null);
      return;
    }
    const repo = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(url.pathname)?.[1];
    const bearer = req.headers.authorization?.startsWith('Bearer ') ? tokens.get(req.headers.authorization.slice(7)) : undefined;
    const allowed = !opts.auth || (bearer !== undefined && (repo === undefined || bearer.repositories.has(repo)));
    if (!allowed) {
      const scope = repo ? `,scope="repository:${repo}:pull"` : '';
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token",service="${service}"${scope}`, 'content-type': 'application/json' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      record(401, bearer?.user ?? null);
      return;
    }
    const up = new URL(req.url ?? '/', opts.upstream);
    const headers = { ...req.headers, host: up.host };
    delete headers.authorization;
    const proxied = request(up, { method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      const digest = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(url.pathname)?.[1];
      if (digest && req.method === 'GET' && opts.corruptBlobs?.includes(digest)) upRes.pipe(corrupting()).pipe(res);
      else upRes.pipe(res);
      record(upRes.statusCode ?? 502, bearer?.user ?? null);
    });
    proxied.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(proxied);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: base,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
