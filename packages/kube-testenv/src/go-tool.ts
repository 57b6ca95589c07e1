import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { defaultCacheRoot, goPlatform } from './binaries.js';
import { run, runChecked } from './exec.js';
import { GO_BUILD_ENV, GO_BUILD_FLAGS, SCRATCH_GO_DIRECTIVE } from './go-modules.js';
import { acquireLock } from '@plumbing/lockfile';

/** One command-line tool built from a Go module on the module proxy (e.g. go-containerregistry's crane). */
export interface GoTool {
  /** Binary name, also the cache directory's stem, e.g. `crane`. */
  readonly name: string;
  /** Module path, e.g. `github.com/google/go-containerregistry`. */
  readonly module: string;
  readonly version: string;
  /** Main package, e.g. `github.com/google/go-containerregistry/cmd/crane`. */
  readonly package: string;
}

export interface EnsureGoToolOptions {
  /** Cache root (default: $PLUMBING_KUBE_CACHE/../<tools>, i.e. ~/.cache/plumbing/tools). */
  readonly cacheRoot?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly go?: string;
  readonly log?: (line: string) => void;
}

/** The cache root of Go tools: `$PLUMBING_TOOLS_CACHE`, else `tools` next to the kube cache (~/.cache/plumbing/tools). */
export function goToolsCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.PLUMBING_TOOLS_CACHE || join(defaultCacheRoot(env), '..', 'tools');
}

/** Whether a file exists and this process may run it. */
export async function executable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of the tool's binary, built once (under a lock, in a scratch module renamed atomically into
 * the cache) with this machine's Go from the module proxy, checksums from the Go checksum database.
 */
export async function ensureGoTool(tool: GoTool, opts: EnsureGoToolOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = join(opts.cacheRoot ?? goToolsCacheRoot(env), `${tool.name}-${tool.version}_${goPlatform()}`);
  const bin = join(dir, tool.name);
  if (await executable(bin)) return bin;
  await mkdir(join(dir, '..'), { recursive: true });
  const release = await acquireLock(`${dir}.lock`, { onWait: (o) => log(`go tool: waiting for another build of ${tool.name} (pid ${o?.pid ?? '?'})`) });
  try {
    if (await executable(bin)) return bin;
    const go = opts.go ?? env.GO ?? 'go';
    const goEnv: NodeJS.ProcessEnv = { ...env, ...GO_BUILD_ENV };
    await run(go, ['env', 'GOVERSION'], { env: goEnv }).catch((err: unknown) => {
      throw new PlumbingError('KUBE_GO_MISSING', `Go is needed to build ${tool.name} (${go} not found)`, { cause: err, hint: 'install Go 1.24 or newer' });
    });
    const tmp = await mkdtemp(`${dir}.tmp-`);
    try {
      const goMod = [`module plumbing.local/tools/${tool.name}`, '', `go ${SCRATCH_GO_DIRECTIVE}`, '', `require ${tool.module} ${tool.version}`, '', `tool ${tool.package}`, ''].join('\n');
      await writeFile(join(tmp, 'go.mod'), goMod);
      log(`go tool: building ${tool.name} ${tool.version} from Go modules (first run only, ~2 min on 2 cores)`);
      await runChecked(go, ['mod', 'tidy'], { cwd: tmp, env: goEnv });
      await runChecked(go, ['build', ...GO_BUILD_FLAGS, '-ldflags=-s -w', '-o', join(tmp, tool.name), tool.package], { cwd: tmp, env: goEnv });
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    return bin;
  } finally {
    await release();
  }
}
