import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { acquireLock } from '@plumbing/lockfile';
import { run, runChecked } from './exec.js';
import { executable } from './go-tool.js';
import { GO_BUILD_ENV, GO_BUILD_FLAGS } from './go-modules.js';

/**
 * A Go program shipped inside one of our packages (its own go.mod, go.sum and *.go files), built
 * on first use with this machine's Go: the Tekton oracle, the kustomize renderer.
 */
export interface GoProgram {
  /** Binary name and cache directory name under ~/.cache/plumbing, e.g. `tekton-oracle`. */
  readonly name: string;
  /** The program's Go module directory. */
  readonly goDir: string;
  /** Environment variable naming a binary built elsewhere (used as is), e.g. PLUMBING_TEKTON_ORACLE. */
  readonly binaryEnv: string;
  /** Environment variable naming the cache root, e.g. PLUMBING_ORACLE_CACHE. */
  readonly cacheEnv: string;
  /** Prefix of the error codes: <prefix>_MISSING, <prefix>_GO_MISSING. */
  readonly codePrefix: string;
  /** What it is, for messages: "the Tekton oracle". */
  readonly what: string;
  /** The first line printed when a build starts (how long it takes). */
  readonly buildNote: string;
  /** The Go version the program needs, for the hint (e.g. "1.26 or newer"). */
  readonly goNeeded?: string;
}

export interface EnsureGoProgramOptions {
  /** Environment read for binaryEnv, cacheEnv and passed to `go` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Cache root (default: $<cacheEnv>, else ~/.cache/plumbing/<name>). */
  readonly cacheRoot?: string;
  /** The Go command (default: $GO, else `go` on PATH). */
  readonly go?: string;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/**
 * The cache key: a hash of the Go sources, go.mod, go.sum, the build flags and the Go version, so
 * a change to any of them (a new version of a dependency included) builds a new binary once.
 */
export async function goProgramSourceHash(goVersion: string, dir: string): Promise<string> {
  const hash = createHash('sha256').update(`${goVersion}\n${GO_BUILD_FLAGS.join(' ')}\n`);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum').sort();
  for (const name of names) hash.update(`${name}\n`).update(await readFile(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Finds or builds the program: $<binaryEnv> when set, else the cache, else built once with this
 * machine's Go (module cache shared with every other Go build, -trimpath) under a lock, into a temp
 * dir renamed into place, with a progress line a minute. Throws <codePrefix>_GO_MISSING without Go.
 */
export async function ensureGoProgram(program: GoProgram, opts: EnsureGoProgramOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const given = env[program.binaryEnv];
  if (given) {
    if (!(await executable(given))) throw new PlumbingError(`${program.codePrefix}_MISSING`, `${program.binaryEnv}=${given} is not an executable file`);
    return given;
  }
  const go = opts.go ?? env.GO ?? 'go';
  const goEnv: NodeJS.ProcessEnv = { ...env, ...GO_BUILD_ENV };
  const version = await run(go, ['env', 'GOVERSION'], { env: goEnv }).catch((err: unknown) => {
    throw new PlumbingError(`${program.codePrefix}_GO_MISSING`, `Go is needed to build ${program.what} (${go} not found)`, {
      cause: err,
      hint: `install Go${program.goNeeded ? ` ${program.goNeeded}` : ''}, or set ${program.binaryEnv} to a built ${program.name} binary`,
    });
  });
  const root = opts.cacheRoot ?? (env[program.cacheEnv] || join(homedir(), '.cache', 'plumbing', program.name));
  const dir = join(root, await goProgramSourceHash(version.stdout.trim(), program.goDir));
  const binary = join(dir, program.name);
  if (await executable(binary)) return binary;
  await mkdir(root, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, {
    onWait: (owner) => log(`${program.name}: waiting for another build of ${dir} (pid ${owner?.pid ?? '?'})`),
  });
  try {
    if (await executable(binary)) return binary;
    await buildInto(program, dir, go, goEnv, log);
    return binary;
  } finally {
    await release();
  }
}

async function buildInto(program: GoProgram, dir: string, go: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const tmp = await mkdtemp(`${dir}.tmp-`);
  const t0 = Date.now();
  log(`${program.name}: ${program.buildNote}`);
  const heartbeat = setInterval(() => log(`${program.name}:   still building (${Math.round((Date.now() - t0) / 60_000)} min)`), 60_000);
  heartbeat.unref();
  try {
    await runChecked(go, ['build', ...GO_BUILD_FLAGS, '-ldflags=-s -w', '-o', join(tmp, program.name), '.'], { cwd: program.goDir, env });
    await writeFile(join(tmp, 'build-info.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    log(`${program.name}: built in ${Math.round((Date.now() - t0) / 1000)}s into ${dir}`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}
