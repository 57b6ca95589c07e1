import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKubeBinaries } from './binaries.js';
import { livePids } from './cluster.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkg, 'bin', 'kube-testenv.mjs');

function pidsMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Starts `kube-testenv start --no-tekton` and resolves with the exported KUBECONFIG path. */
function startCli(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const child = spawn(process.execPath, [cli, 'start', '--no-tekton'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d;
    });
    child.stdout?.on('data', (d: Buffer) => {
      out += d;
      const m = /^export KUBECONFIG=(.+)$/m.exec(out);
      if (m?.[1]) resolve({ child, kubeconfig: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`kube-testenv start exited with ${code}: ${err}`)));
  });
}

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (livePids(pids).length > 0 && Date.now() < deadline) await sleep(100);
  return livePids(pids);
}

describe('kube-testenv CLI', () => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const bins = await ensureKubeBinaries();
    // The CLI runs the compiled package: build dist/ exactly as `npm run build` does.
    execFileSync(join(pkg, '..', '..', 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: pkg, stdio: 'inherit' });
    env = { ...process.env, KUBEBUILDER_ASSETS: bins.dir };
    delete env.KUBECONFIG;
  });

  it('prints usage and exits 2 without a command', () => {
    expect(() => execFileSync(process.execPath, [cli], { stdio: 'pipe' })).toThrow(expect.objectContaining({ status: 2 }));
  });

  it('start: stops the API server cleanly on SIGINT', async () => {
    const { child, kubeconfig } = await startCli(env);
    const dir = dirname(kubeconfig);
    const pids = pidsMentioning(dir);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await waitGone(pids, 15_000)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('start: the kernel kills etcd and kube-apiserver when the CLI is SIGKILLed (setpriv --pdeathsig)', async () => {
    const { child, kubeconfig } = await startCli(env);
    const dir = dirname(kubeconfig);
    const pids = pidsMentioning(dir);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGKILL');
    try {
      expect(await waitGone(pids, 15_000)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
