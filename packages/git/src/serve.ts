import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Git } from './git.js';

export interface GitHttpOptions {
  /** The directory whose repositories are served: `${url}/<dir name under root>`. */
  root: string;
  /** Basic auth every request must carry (none: anonymous). */
  auth?: { user: string; password: string } | undefined;
  /** PEM key and certificate: serve https instead of http. */
  tls?: { key: string; cert: string } | undefined;
  /** Refuse pushes (git-receive-pack). */
  readOnly?: boolean | undefined;
  /** Let clients fetch any commit, not only branch and tag tips (uploadpack.allowAnySHA1InWant). */
  anyCommit?: boolean | undefined;
}

export interface GitHttpServer {
  /** http(s)://127.0.0.1:PORT */
  url: string;
  /** Every request: method, path, the user that authenticated (or null), the status answered. */
  requests: { method: string; path: string; user: string | null; status: number }[];
  close(): Promise<void>;
}

function basicUser(req: IncomingMessage, auth: GitHttpOptions['auth']): string | null {
  const header = req.headers.authorization;
  if (!auth || !header?.startsWith('Basic ')) return null;
  const [u, ...p] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
  return u === auth.user && p.join(':') === auth.password ? (u ?? null) : null;
}

/** A CGI answer (headers, blank line, body) as a status, headers and body. */
function parseCgi(out: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  const crlf = out.indexOf('\r\n\r\n');
  const sep = crlf >= 0 ? crlf : out.indexOf('\n\n');
  const head = sep >= 0 ? out.subarray(0, sep).toString('utf8') : '';
  const body = sep >= 0 ? out.subarray(sep + (crlf >= 0 ? 4 : 2)) : out;
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim();
    const v = line.slice(i + 1).trim();
    if (k.toLowerCase() === 'status') status = Number.parseInt(v, 10);
    else headers[k] = v;
  }
  return { status, headers, body };
}

function backendEnv(o: GitHttpOptions, req: IncomingMessage, url: URL, user: string | null): NodeJS.ProcessEnv {
  const config: [string, string][] = [];
  if (o.anyCommit) config.push(['uploadpack.allowAnySHA1InWant', 'true']);
  if (o.readOnly) config.push(['http.receivepack', 'false']);
  return {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: o.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: String(config.length),
    ...Object.fromEntries(config.flatMap(([k, v], i) => [[`GIT_CONFIG_KEY_${i}`, k], [`GIT_CONFIG_VALUE_${i}`, v]])),
    PATH_INFO: url.pathname,
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
    GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    REMOTE_USER: user ?? '',
    REMOTE_ADDR: '127.0.0.1',
  };
}

/**
 * Git's own smart-HTTP server (`git http-backend`, a CGI) behind a Node HTTP server on loopback:
 * serves the repositories under `root`, optionally with basic auth, TLS, read-only.
 */
export async function serveGitHttp(o: GitHttpOptions): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const user = basicUser(req, o.auth);
    const answer = (status: number, headers: Record<string, string>, body: Buffer | string) => {
      requests.push({ method: req.method ?? '', path: url.pathname, user, status });
      if (!res.headersSent) res.writeHead(status, headers).end(body);
    };
    if (o.auth && user === null) return answer(401, { 'WWW-Authenticate': 'Basic realm="git"' }, 'unauthorized\n');
    if (o.readOnly && (url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack'))) return answer(403, {}, 'read-only\n');
    const cgi = spawn('git', ['http-backend'], { env: backendEnv(o, req, url, user) });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => {});
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('error', () => answer(500, {}, 'git http-backend failed\n'));
    cgi.on('close', () => {
      const r = parseCgi(Buffer.concat(chunks));
      answer(r.status, r.headers, r.body);
    });
  };
  const server = o.tls ? createHttpsServer(o.tls, handle) : createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface ServedRepo {
  /** http://127.0.0.1:PORT/<git dir name>: clone URL of the repository, read-only. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one local repository read-only on loopback, any commit fetchable (the released commit
 * need not be a branch tip, nor pushed anywhere): for a pipeline whose clone step runs in a
 * sandbox that sees neither the host's paths nor (maybe) the network, but reaches 127.0.0.1.
 */
export async function serveRepository(git: Git): Promise<ServedRepo> {
  const gitDir = await git.run(['rev-parse', '--absolute-git-dir']);
  const server = await serveGitHttp({ root: dirname(gitDir), readOnly: true, anyCommit: true });
  return { url: `${server.url}/${basename(gitDir)}`, close: server.close };
}
