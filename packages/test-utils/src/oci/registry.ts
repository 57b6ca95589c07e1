// A real OCI registry on loopback for tests: go-containerregistry's `crane registry serve`, built
// from Go modules (see @plumbing/kube-testenv's ensureGoTool), blobs on disk so that a test can
// corrupt one.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGoTool, type GoTool } from '@plumbing/kube-testenv';

/** go-containerregistry's crane: the registry server (`crane registry serve`) and a reference client. */
export const CRANE: GoTool = {
  name: 'crane',
  module: 'github.com/google/go-containerregistry',
  version: 'v0.22.1',
  package: 'github.com/google/go-containerregistry/cmd/crane',
};

/** The crane binary (built on first use, ~2 min, then cached under ~/.cache/plumbing/tools). */
export function ensureCrane(): Promise<string> {
  return ensureGoTool(CRANE);
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Where blobs live: `<diskDir>/sha256/<hex>`. */
  diskDir: string;
  stop(): Promise<void>;
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString();
      const m = /serving on port (\d+)/.exec(seen);
      if (m) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve(Number(m[1]));
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`crane registry serve exited with ${code} before serving:\n${seen}`)));
    child.once('error', reject);
  });
}

/** Starts `crane registry serve` on a free loopback port; it stops with `stop()` or with this process. */
export async function startRegistry(crane?: string): Promise<TestRegistry> {
  const bin = crane ?? (await ensureCrane());
  const diskDir = await mkdtemp(join(tmpdir(), 'plumbing-registry-'));
  const child = spawn(bin, ['registry', 'serve', '--address', '127.0.0.1:0', '--disk', diskDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await waitForPort(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    diskDir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(diskDir, { recursive: true, force: true });
    },
  };
}
