// A local git smart-HTTP server (@plumbing/git's serveGitHttp: the real `git http-backend`), with
// optional basic auth and TLS. Stands in for a git host that needs credentials.
import { type GitHttpServer, serveGitHttp } from '@plumbing/git';

export type { GitHttpServer };

/** `tls` (PEM key and certificate) serves https instead of http. */
export function startGitHttpServer(root: string, auth?: { user: string; password: string }, tls?: { key: string; cert: string }): Promise<GitHttpServer> {
  return serveGitHttp({ root, auth, tls });
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
