// A local git smart-HTTP server: the real `git http-backend` (git's own CGI server) behind a
// Node HTTP server, with optional basic auth. Stands in for a git host that needs credentials.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface GitHttpServer {
  /** http(s)://127.0.0.1:PORT — repositories are `${url}/<dir name under root>`. */
  url: string;
  /** Every request: method, path and the user that authenticated (or null). */
  requests: { method: string; path: string; user: string | null; status: number }[];
  close(): Promise<void>;
}

/** `tls` (PEM key and certificate) serves https instead of http. */
export async function startGitHttpServer(root: string, auth?: { user: string; password: string }, tls?: { key: string; cert: string }): Promise<GitHttpServer> {
  const requests: GitHttpServer['requests'] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let user: string | null = null;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [u, ...p] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (auth && u === auth.user && p.join(':') === auth.password) user = u ?? null;
    }
    if (auth && user === null) {
      requests.push({ method: req.method ?? '', path: url.pathname, user, status: 401 });
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user ?? '',
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const sep = out.indexOf('\r\n\r\n') >= 0 ? out.indexOf('\r\n\r\n') : out.indexOf('\n\n');
      const sepLen = out.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
      const head = sep >= 0 ? out.subarray(0, sep).toString('utf8') : '';
      const body = sep >= 0 ? out.subarray(sep + sepLen) : out;
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
      requests.push({ method: req.method ?? '', path: url.pathname, user, status });
      res.writeHead(status, headers).end(body);
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A self-signed certificate for 127.0.0.1 (openssl), for a TLS server no client trusts. */
export async function selfSignedCert(dir: string): Promise<{ key: string; cert: string }> {
  const { execFile } = await import('node:child_process');
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const key = join(dir, 'tls.key');
  const cert = join(dir, 'tls.crt');
  await new Promise<void>((done, fail) =>
    execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], (err) => (err ? fail(err) : done())),
  );
  return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
}
