import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import type { Git } from './git.js';

export interface ServedRepo {
  /** http://127.0.0.1:PORT/<git dir name>: clone URL of the repository, read-only. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a local repository read-only on loopback with git's own smart-HTTP server
 * (`git http-backend`), for the release pipeline on the embedded executor: its git-clone step
 * runs in a sandbox that sees neither the host's paths nor (maybe) the network, but reaches
 * 127.0.0.1. Any commit can be fetched (uploadpack.allowAnySHA1InWant): the released commit
 * need not be a branch tip, nor pushed anywhere. Pushes are refused (no receive-pack).
 */
export async function serveRepository(git: Git): Promise<ServedRepo> {
  const gitDir = await git.run(['rev-parse', '--absolute-git-dir']);
  const projectRoot = dirname(gitDir);
  const name = basename(gitDir);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack')) {
      res.writeHead(403).end('read-only\n');
      return;
    }
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'uploadpack.allowAnySHA1InWant',
        GIT_CONFIG_VALUE_0: 'true',
        GIT_CONFIG_KEY_1: 'http.receivepack',
        GIT_CONFIG_VALUE_1: 'false',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    cgi.stdin.on('error', () => {});
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('error', () => {
      if (!res.headersSent) res.writeHead(500).end('git http-backend failed\n');
    });
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
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
      if (!res.headersSent) res.writeHead(status, headers).end(body);
    });
  };
  const server = createServer(handle);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
