import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executable, GO_BUILD_ENV, GO_BUILD_FLAGS, run, runChecked } from '@plumbing/kube-testenv';
import { acquireLock } from '@plumbing/lockfile';
import { PlumbingError } from '@plumbing/model';

/** The Go module of the renderer, shipped with the package (go.mod, go.sum, *.go). */
export const RENDERER_GO_DIR = fileURLToPath(new URL('../go/', import.meta.url));

const NAME = 'kustomize-render';

export interface EnsureRendererOptions {
  /** Environment read for PLUMBING_KUSTOMIZE_RENDER, PLUMBING_KUSTOMIZE_CACHE and passed to `go` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Cache root (default: $PLUMBING_KUSTOMIZE_CACHE, else ~/.cache/plumbing/kustomize-render). */
  readonly cacheRoot?: string;
  /** The Go command (default: $GO, else `go` on PATH). */
  readonly go?: string;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
}

/** The cache key: a hash of the Go sources, go.mod, go.sum, the build flags and the Go version. */
export async function rendererSourceHash(goVersion: string, dir = RENDERER_GO_DIR): Promise<string> {
  const hash = createHash('sha256').update(`${goVersion}\n${GO_BUILD_FLAGS.join(' ')}\n`);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.go') || n === 'go.mod' || n === 'go.sum').sort();
  for (const name of names) hash.update(`${name}\n`).update(await readFile(join(dir, name)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Finds or builds the renderer: $PLUMBING_KUSTOMIZE_RENDER when set, else the cache, else built
 * once with this machine's Go under a lock, into a temp dir renamed into place. Measured from an
 * empty Go build cache: 3.5 min wall (78 CPU-seconds) on two cores at load 4-19, modules downloaded
 * from the proxy in seconds. Throws KUSTOMIZE_GO_MISSING when there is no Go.
 */
export async function ensureRenderer(opts: EnsureRendererOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (env.PLUMBING_KUSTOMIZE_RENDER) {
    if (!(await executable(env.PLUMBING_KUSTOMIZE_RENDER))) {
      throw new PlumbingError('KUSTOMIZE_RENDER_MISSING', `PLUMBING_KUSTOMIZE_RENDER=${env.PLUMBING_KUSTOMIZE_RENDER} is not an executable file`);
    }
    return env.PLUMBING_KUSTOMIZE_RENDER;
  }
  const go = opts.go ?? env.GO ?? 'go';
  const goEnv: NodeJS.ProcessEnv = { ...env, ...GO_BUILD_ENV };
  const version = await run(go, ['env', 'GOVERSION'], { env: goEnv }).catch((err: unknown) => {
    throw new PlumbingError('KUSTOMIZE_GO_MISSING', `Go is needed to build the kustomize renderer (${go} not found)`, {
      cause: err,
      hint: 'install Go 1.26 or newer, or set PLUMBING_KUSTOMIZE_RENDER to a built kustomize-render binary',
    });
  });
  const root = opts.cacheRoot ?? (env.PLUMBING_KUSTOMIZE_CACHE || join(homedir(), '.cache', 'plumbing', NAME));
  const dir = join(root, await rendererSourceHash(version.stdout.trim()));
  const binary = join(dir, NAME);
  if (await executable(binary)) return binary;
  await mkdir(root, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, {
    onWait: (owner) => log(`${NAME}: waiting for another build of ${dir} (pid ${owner?.pid ?? '?'})`),
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
  log(`${NAME}: building kustomize's library for plumbing check (first run only: a few minutes on two cores)`);
  const heartbeat = setInterval(() => log(`${NAME}:   still building (${Math.round((Date.now() - t0) / 60_000)} min)`), 60_000);
  heartbeat.unref();
  try {
    await runChecked(go, ['build', ...GO_BUILD_FLAGS, '-ldflags=-s -w', '-o', join(tmp, NAME), '.'], { cwd: RENDERER_GO_DIR, env });
    await writeFile(join(tmp, 'build-info.json'), `${JSON.stringify({ builtAt: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000) })}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    log(`${NAME}: built in ${Math.round((Date.now() - t0) / 1000)}s into ${dir}`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
}
