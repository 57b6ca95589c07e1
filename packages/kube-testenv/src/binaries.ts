import { constants, existsSync } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, homedir, platform, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlumbingError } from '@plumbing/model';
import { run, runChecked } from './exec.js';
import { buildModules, cacheKey, GO_BUILD_ENV, GO_BUILD_FLAGS } from './go-modules.js';
import { acquireLock } from '@plumbing/lockfile';
import { KUBE_VERSIONS, type KubeVersions } from './versions.js';

/** Where the three binaries are and where they came from. */
export interface KubeBinaries {
  readonly dir: string;
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubectl: string;
  readonly source: 'KUBEBUILDER_ASSETS' | 'cache' | 'built';
}

export interface EnsureKubeBinariesOptions {
  readonly versions?: KubeVersions;
  /** Environment read for KUBEBUILDER_ASSETS, PLUMBING_KUBE_CACHE and passed to `go` (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Cache root (default: $PLUMBING_KUBE_CACHE, else ~/.cache/plumbing/kube). */
  readonly cacheRoot?: string;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** The Go command (default: $GO, else `go` on PATH). */
  readonly go?: string;
  /** Ignore KUBEBUILDER_ASSETS and use or fill the cache (what `kube-testenv build` does). */
  readonly ignoreAssets?: boolean;
}

/** Committed go.sum files: the checksums every build is verified against. */
const GO_SUM_DIR = fileURLToPath(new URL('../go/', import.meta.url));

/**
 * First-build estimates on a 2-core machine with empty Go caches (measured: etcd 4 min,
 * kube-apiserver + kubectl 13.5 min on a busy machine), printed so nobody thinks the run hangs.
 */
const ESTIMATE_MINUTES: Readonly<Record<string, number>> = { etcd: 4, kubernetes: 14 };

const defaultLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLUMBING_KUBE_CACHE || join(homedir(), '.cache', 'plumbing', 'kube');
}

/** This machine's platform as Go names it, e.g. `linux-amd64`. */
export function goPlatform(): string {
  const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386' };
  return `${platform()}-${goArch[arch()] ?? arch()}`;
}

/** The cache directory for a version set (it may not exist yet). */
export function kubeCacheDir(opts: Pick<EnsureKubeBinariesOptions, 'versions' | 'env' | 'cacheRoot'> = {}): string {
  const root = opts.cacheRoot ?? defaultCacheRoot(opts.env);
  return join(root, cacheKey(opts.versions ?? KUBE_VERSIONS, goPlatform()));
}

function binariesIn(dir: string, source: KubeBinaries['source']): KubeBinaries {
  return {
    dir,
    etcd: join(dir, 'etcd'),
    kubeApiserver: join(dir, 'kube-apiserver'),
    kubectl: join(dir, 'kubectl'),
    source,
  };
}

async function allExecutable(b: KubeBinaries): Promise<boolean> {
  for (const file of [b.etcd, b.kubeApiserver, b.kubectl]) {
    try {
      await access(file, constants.X_OK);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Finds or builds etcd, kube-apiserver and kubectl: from $KUBEBUILDER_ASSETS when set, else from
 * the cache, else built once with this machine's Go from the module proxy (under a lock, into a
 * temp dir renamed atomically into the cache).
 */
export async function ensureKubeBinaries(opts: EnsureKubeBinariesOptions = {}): Promise<KubeBinaries> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? defaultLog;
  const assets = env.KUBEBUILDER_ASSETS;
  if (assets && !opts.ignoreAssets) {
    const found = binariesIn(assets, 'KUBEBUILDER_ASSETS');
    if (!(await allExecutable(found))) {
      throw new PlumbingError('KUBE_ASSETS_INCOMPLETE', `KUBEBUILDER_ASSETS=${assets} must hold executable etcd, kube-apiserver and kubectl`);
    }
    return found;
  }
  const versions = opts.versions ?? KUBE_VERSIONS;
  const dir = kubeCacheDir({ versions, env, ...(opts.cacheRoot === undefined ? {} : { cacheRoot: opts.cacheRoot }) });
  const cached = binariesIn(join(dir, 'bin'), 'cache');
  if (await allExecutable(cached)) return cached;

  const root = join(dir, '..');
  await mkdir(root, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, {
    onWait: (owner) => log(`kube-testenv: waiting for another build of ${dir} (pid ${owner?.pid ?? '?'})`),
  });
  try {
    // Another process may have finished the build while we waited.
    if (await allExecutable(cached)) return cached;
    await removeAbandonedBuilds(dir);
    await buildInto(dir, versions, env, opts.go ?? env.GO ?? 'go', log);
    return { ...cached, source: 'built' };
  } finally {
    await release();
  }
}

async function buildInto(dir: string, versions: KubeVersions, env: NodeJS.ProcessEnv, go: string, log: (line: string) => void): Promise<void> {
  const goEnv: NodeJS.ProcessEnv = { ...env, ...GO_BUILD_ENV };
  const goVersion = await run(go, ['env', 'GOVERSION'], { env: goEnv }).catch((err: unknown) => {
    throw new PlumbingError('KUBE_GO_MISSING', `Go is needed to build the Kubernetes test binaries (${go} not found)`, {
      cause: err,
      hint: 'install Go, or set KUBEBUILDER_ASSETS to a directory with etcd, kube-apiserver and kubectl',
    });
  });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  const started = Date.now();
  try {
    const bin = join(tmp, 'bin');
    await mkdir(bin);
    const steps: { name: string; seconds: number; ldflags: string }[] = [];
    for (const mod of buildModules(versions, await moduleTime(go, `k8s.io/kubernetes@${versions.kubernetes}`, goEnv))) {
      const src = join(tmp, 'src', mod.name);
      await mkdir(src, { recursive: true });
      await writeFile(join(src, 'go.mod'), mod.goMod);
      const version = mod.name === 'etcd' ? versions.etcd : versions.kubernetes;
      const lockedSum = join(GO_SUM_DIR, `${mod.name}-${version}.go.sum`);
      if (existsSync(lockedSum)) await copyFile(lockedSum, join(src, 'go.sum'));
      else log(`kube-testenv: no committed ${lockedSum}; checksums come from the Go checksum database`);

      const t0 = Date.now();
      log(`kube-testenv: building ${mod.binaries.join(', ')} ${version} (first run only, ~${ESTIMATE_MINUTES[mod.name] ?? 5} min on 2 cores)`);
      const heartbeat = setInterval(() => {
        log(`kube-testenv:   still building ${mod.binaries.join(', ')} (${Math.round((Date.now() - t0) / 60_000)} min)`);
      }, 60_000);
      heartbeat.unref();
      try {
        let downloads = 0;
        const countDownloads = (line: string): void => {
          if (line.startsWith('go: downloading')) downloads++;
        };
        await runChecked(go, ['mod', 'tidy'], { cwd: src, env: goEnv, onStderrLine: countDownloads });
        if (downloads > 0) log(`kube-testenv:   downloaded ${downloads} modules`);
        // One package: name the output file (go would call go.etcd.io/etcd/server/v3 "server").
        const output = mod.packages.length === 1 ? join(bin, mod.binaries[0] ?? '') : `${bin}/`;
        await runChecked(go, ['build', ...GO_BUILD_FLAGS, `-ldflags=${mod.ldflags}`, '-o', output, ...mod.packages], { cwd: src, env: goEnv });
      } finally {
        clearInterval(heartbeat);
      }
      const seconds = Math.round((Date.now() - t0) / 1000);
      steps.push({ name: mod.name, seconds, ldflags: mod.ldflags });
      log(`kube-testenv:   built ${mod.binaries.join(', ')} in ${seconds}s`);
    }
    const info = {
      versions,
      go: goVersion.stdout.trim(),
      flags: GO_BUILD_FLAGS,
      env: GO_BUILD_ENV,
      builtAt: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 1000),
      steps,
    };
    if (!(await allExecutable(binariesIn(bin, 'built')))) {
      throw new PlumbingError('KUBE_BUILD_INCOMPLETE', `go build did not produce etcd, kube-apiserver and kubectl in ${bin}`);
    }
    await writeFile(join(tmp, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    log(`kube-testenv: binaries ready in ${dir} (${info.seconds}s)`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Scratch dirs of builds that were killed (we hold the lock, so none of them is running). */
async function removeAbandonedBuilds(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.tmp-`;
  for (const name of await readdir(join(dir, '..'))) {
    if (name.startsWith(prefix)) await rm(join(dir, '..', name), { recursive: true, force: true });
  }
}

/** A module version's publication time from the proxy (`go mod download -json`), as RFC 3339. */
async function moduleTime(go: string, moduleAtVersion: string, env: NodeJS.ProcessEnv): Promise<string> {
  const res = await runChecked(go, ['mod', 'download', '-json', moduleAtVersion], { env, cwd: tmpdir() });
  const info = JSON.parse(res.stdout) as { Info?: string; Error?: string };
  if (!info.Info) throw new PlumbingError('KUBE_DOWNLOAD_FAILED', `go mod download ${moduleAtVersion}: ${info.Error ?? 'no Info'}`);
  const time = (JSON.parse(await readFile(info.Info, 'utf8')) as { Time?: string }).Time;
  return time ?? '1970-01-01T00:00:00Z';
}

/** The build record written next to the binaries, or undefined when they were not built here. */
export async function readBuildInfo(dir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, 'build-info.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Total size in bytes of the files under a directory. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}
