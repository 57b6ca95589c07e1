// The real `plumbing serve` process (packages/cli/bin/plumbing.js) for the tests that kill it.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from '@plumbing/test-utils';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the first stderr line matching `re`. */
  line(re: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `plumbing serve` in `root` with `args` after the common ones; resolves once it printed its URL. */
export async function spawnServe(root: string, secrets: string, args: string[] = [], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--secrets', secrets, '--no-sandbox', '--no-schedule', '--format', 'json', '--grace', '0', ...args], { cwd: root, env: { ...process.env, CI: 'true', ...env } });
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    if (process.env.SERVE_DEBUG) process.stderr.write(c);
    for (const w of [...waiters]) {
      const m = err.split('\n').find((l) => w.re.test(l));
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]!) as { url: string }).url.replace('localhost', '127.0.0.1'));
    });
    void exited.then((code) => reject(new Error(`plumbing serve exited ${code}: ${err}`)));
  });
  const line = (re: RegExp) =>
    new Promise<string>((resolve) => {
      const m = err.split('\n').find((l) => re.test(l));
      if (m) resolve(m);
      else waiters.push({ re, resolve });
    });
  return { child, url, line, exited };
}
