import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executable, GO_BUILD_ENV, GO_BUILD_FLAGS, run, runChecked } from '@plumbing/kube-testenv';
import { acquireLock } from '@plumbing/lockfile';
import { PlumbingError } from '@plumbing/model';

/** The Go module of the oracle, shipped with the package (go.mod, go.sum, *.go). */
export const ORACLE_GO_DIR = fileURLToPath(new URL('../go/', import.meta.url));

export interface EnsureOracleOptions {
  /** Environment read for PLUMBING_ORACLE_CACHE, PLUMBING_TEKTON_ORACLE and passed to `go` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Cache root (default: $PLUMBING_ORACLE_CACHE, else ~/.cache/plumbing/tekton-oracle). */
  readonly cacheRoot?: string;
  /** The Go command (default: $GO, else `go` on PATH). */
  readonly go?: string;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

const defaultLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The cache key: a hash of the Go sources, go.mod and go.sum and the Go version, so a change to
 * any of them (a new Tekton version included) builds a new binary once.
 */
export async function oracleSourceHash(goVersion: string, dir = ORACLE_GO_DIR): Promise<string> {
  const hash = createHash('sha256').update(`${goVersion}\n${GO_BUILD_FLAGS.join(' ')}\n`);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum').sort();
  for (const name of names) hash.update(`${name}\n`).update(await readFile(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}


/**
 * Finds or builds the oracle binary: $PLUMBING_TEKTON_ORACLE when set, else the cache, else built
 * once with this machine's Go (module cache shared with every other Go build, -trimpath) under a
 * lock, into a temp dir renamed into place. The first build compiles Tekton's dependency graph:
 * about 11 CPU-minutes from an empty Go cache (measured: 1 min of module download, then 31 min
 * wall on two cores shared at load 20; with the module and build caches warm, under a minute).
 */
export async function ensureOracle(opts: EnsureOracleOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;
  if (env.PLUMBING_TEKTON_ORACLE) {
    if (!(await executable(env.PLUMBING_TEKTON_ORACLE))) {
      throw new PlumbingError('ORACLE_MISSING', `PLUMBING_TEKTON_ORACLE=${env.PLUMBING_TEKTON_ORACLE} is not an executable file`);
    }
    return env.PLUMBING_TEKTON_ORACLE;
  }
  const go = opts.go ?? env.GO ?? 'go';
  const goEnv: NodeJS.ProcessEnv = { ...env, ...GO_BUILD_ENV };
  const version = await run(go, ['env', 'GOVERSION'], { env: goEnv }).catch((err: unknown) => {
    throw new PlumbingError('ORACLE_GO_MISSING', `Go is needed to build the Tekton oracle (${go} not found)`, {
      cause: err,
      hint: 'install Go, or set PLUMBING_TEKTON_ORACLE to a built tekton-oracle binary',
    });
  });
  const root = opts.cacheRoot ?? (env.PLUMBING_ORACLE_CACHE || join(homedir(), '.cache', 'plumbing', 'tekton-oracle'));
  const dir = join(root, await oracleSourceHash(version.stdout.trim()));
  const binary = join(dir, 'tekton-oracle');
  if (await executable(binary)) return binary;
  await mkdir(root, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, {
    onWait: (owner) => log(`tekton-oracle: waiting for another build of ${dir} (pid ${owner?.pid ?? '?'})`),
  });
  try {
    if (await executable(binary)) return binary;
    await buildInto(dir, go, goEnv, log);
    return binary;
  } finally {
    await release();
  }
}

async function buildInto(dir: string, go: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const tmp = await mkdtemp(`${dir}.tmp-`);
  const t0 = Date.now();
  log('tekton-oracle: building the Tekton oracle (first run only: about 11 CPU-minutes, longer on busy cores)');
  const heartbeat = setInterval(() => log(`tekton-oracle:   still building (${Math.round((Date.now() - t0) / 60_000)} min)`), 60_000);
  heartbeat.unref();
  try {
    const out = join(tmp, 'tekton-oracle');
    await runChecked(go, ['build', ...GO_BUILD_FLAGS, '-ldflags=-s -w', '-o', out, '.'], { cwd: ORACLE_GO_DIR, env });
    await writeFile(join(tmp, 'build-info.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    log(`tekton-oracle: built in ${Math.round((Date.now() - t0) / 1000)}s into ${dir}`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}
