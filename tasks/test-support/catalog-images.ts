// The catalog's tasks in container images built here: a loopback registry (crane registry serve)
// that serves as the docker.io mirror of a repository root made for the test (its .plumbing.yaml
// says `images: mirrors: docker.io: [<registry>]`), with images built from what this machine
// has — `library/alpine:3.20` is Debian's busybox-static with every applet linked, as Alpine is
// busybox; `library/node:20.19-alpine` (with { node: true }) adds this machine's node and the
// shared libraries it links (ldd), and with { npm: true } this machine's npm as the node images
// have it (/usr/local/lib/node_modules/npm, /usr/local/bin/npm and npx); `alpine/git:v2.47.2` (with { git: true }) adds this machine's
// git: the git binary, its smart-HTTP transport and shell helpers, the libraries they link;
// `library/golang:1.23` (with { go: true }) is this machine's Go toolchain (whatever its version)
// at /usr/local/go over the busybox userland (Debian-based on Docker Hub). A task whose images are pinned by a digest, or need tools this machine cannot put in
// an image (kubectl from bitnami, gcloud, aws, kaniko), cannot run this way: see docs/images.md.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { compressLayer, type LayerEntry, pushImage, sha256, startRegistry, staticBusybox, tarLayer, type TestRegistry } from '@plumbing/test-utils';

export interface CatalogMirror {
  registry: TestRegistry;
  /** A repository root whose .plumbing.yaml mirrors docker.io to the registry: run plumbing from here. */
  root: string;
  /** Manifest digest of each image pushed, by `<repository>:<tag>` (e.g. `library/alpine:3.20`). */
  digests: Record<string, string>;
  stop(): Promise<void>;
}

/** Alpine's userland as busybox gives it: /bin/busybox, every applet as a link, /etc/passwd with nobody and a build user. */
async function alpineLike(): Promise<Buffer> {
  const bin = staticBusybox();
  const applets = execFileSync(bin, ['--list-full'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'bin/busybox');
  const dirs = [...new Set(applets.map((a) => a.slice(0, a.lastIndexOf('/') + 1)))];
  const entries: LayerEntry[] = [
    ...['bin/', 'sbin/', 'usr/', 'usr/bin/', 'usr/sbin/', 'etc/', 'tmp/', 'root/', 'home/', 'var/', 'var/tmp/'].map((p) => ({ path: p, mode: p.includes('tmp') ? 0o1777 : 0o755 })),
    ...dirs.filter((d) => !['bin/', 'sbin/', 'usr/bin/', 'usr/sbin/'].includes(d)).map((p) => ({ path: p })),
    { path: 'bin/busybox', content: readFileSync(bin), mode: 0o755 },
    ...applets.map((a): LayerEntry => ({ path: a, type: 'link', linkname: 'bin/busybox' })),
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' },
    { path: 'etc/group', content: 'root:x:0:\nnobody:x:65534:\n' },
  ];
  return tarLayer(entries);
}

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * Host files in a layer (`path` in the image ← `host`, mode 0755), every library `ldd` names for
 * the ELF ones at its own path, the `extra` entries, and the parent directories of all of them.
 */
function hostFilesLayer(files: readonly { path: string; host: string }[], extra: readonly LayerEntry[] = []): Promise<Buffer> {
  const libs = new Set<string>();
  for (const f of files) {
    if (!readFileSync(f.host).subarray(0, 4).equals(ELF)) continue;
    for (const l of execFileSync('ldd', [f.host], { encoding: 'utf8' }).split('\n')) {
      const lib = /(\/\S+) \(0x/.exec(l)?.[1];
      if (lib) libs.add(lib);
    }
  }
  const all = [...files, ...[...libs].map((l) => ({ path: l.slice(1), host: l }))];
  const dirs = new Set<string>();
  for (const p of [...all.map((f) => f.path), ...extra.map((e) => e.path)]) {
    const parts = p.replace(/\/$/, '').split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  const entries: LayerEntry[] = [...dirs].sort().map((p) => ({ path: p }));
  for (const f of all) entries.push({ path: f.path, content: readFileSync(realpathSync(f.host)), mode: 0o755 });
  return tarLayer([...entries, ...extra.filter((e) => !(e.path.endsWith('/') && dirs.has(e.path)))]);
}

/** This machine's node as /usr/local/bin/node, with the libraries ldd names at their paths. */
function nodeLayer(): Promise<Buffer> {
  return hostFilesLayer([{ path: 'usr/local/bin/node', host: realpathSync(process.execPath) }]);
}

/** This machine's npm tree where the node images have it, with their npm and npx links. */
function npmLayer(): Promise<Buffer> {
  const npmRoot = join(dirname(realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim())), '..');
  const at = 'usr/local/lib/node_modules/npm';
  const entries: LayerEntry[] = [{ path: 'usr/' }, { path: 'usr/local/' }, { path: 'usr/local/bin/' }, { path: 'usr/local/lib/' }, { path: 'usr/local/lib/node_modules/' }, { path: `${at}/` }];
  for (const e of readdirSync(npmRoot, { recursive: true, withFileTypes: true })) {
    const host = join(e.parentPath, e.name);
    const path = `${at}/${relative(npmRoot, host)}`;
    if (e.isSymbolicLink()) entries.push({ path, type: 'symlink', linkname: readlinkSync(host) });
    else if (e.isDirectory()) entries.push({ path: `${path}/` });
    else entries.push({ path, content: readFileSync(host), mode: lstatSync(host).mode & 0o777 });
  }
  entries.push({ path: 'usr/local/bin/npm', type: 'symlink', linkname: '../lib/node_modules/npm/bin/npm-cli.js' });
  entries.push({ path: 'usr/local/bin/npx', type: 'symlink', linkname: '../lib/node_modules/npm/bin/npx-cli.js' });
  return tarLayer(entries);
}

/** Git helpers a clone over http(s) with submodules uses: the rest of git-core is git's own links. */
const GIT_HELPERS = ['git-remote-http', 'git-submodule', 'git-sh-setup', 'git-sh-i18n'];

/**
 * This machine's git: /usr/bin/git, its exec path (the builtins' links, the http transport, the
 * shell helpers), the libraries they link, and git's templates.
 */
function gitLayer(): Promise<Buffer> {
  const execPath = execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  const files = [{ path: 'usr/bin/git', host: realpathSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()) }];
  const extra: LayerEntry[] = [];
  for (const name of readdirSync(execPath)) {
    const host = join(execPath, name);
    if (lstatSync(host).isSymbolicLink()) extra.push({ path: `${host.slice(1)}`, type: 'symlink', linkname: readlinkSync(host) });
    else if (name === 'git') extra.push({ path: host.slice(1), type: 'symlink', linkname: '/usr/bin/git' });
    else if (GIT_HELPERS.includes(name)) files.push({ path: host.slice(1), host });
  }
  const templates = '/usr/share/git-core/templates';
  for (const e of readdirSync(templates, { recursive: true, withFileTypes: true })) {
    const host = join(e.parentPath, e.name);
    extra.push(e.isDirectory() ? { path: `${host.slice(1)}/` } : { path: host.slice(1), content: readFileSync(host), mode: lstatSync(host).mode & 0o777 });
  }
  return hostFilesLayer(files, extra);
}

/** Where this machine's Go toolchain is (the one the host tests use). */
function goRoot(): string {
  return execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
}

/** What a build needs from GOROOT's src: no commands' sources, tests or test data. */
function goSourceKept(rel: string, isDir: boolean): boolean {
  if (rel === 'src/cmd' || rel.startsWith('src/cmd/')) return false;
  if (isDir) return !/(^|\/)testdata$/.test(rel);
  return !rel.endsWith('_test.go') && !rel.includes('/testdata/');
}

/**
 * This machine's Go toolchain at /usr/local/go as the golang images have it: bin, pkg (the
 * compiler, linker, vet ...), the standard library's sources without tests, VERSION and go.env
 * (~135 MB instead of 270).
 */
function goLayer(): Promise<Buffer> {
  const root = goRoot();
  const at = 'usr/local/go';
  const entries: LayerEntry[] = [{ path: 'usr/' }, { path: 'usr/local/' }, { path: `${at}/` }, { path: 'go/', mode: 0o777 }, { path: 'go/bin/', mode: 0o777 }];
  for (const top of ['bin', 'pkg', 'src', 'lib', 'VERSION', 'go.env']) {
    const host = join(root, top);
    const st = lstatSync(host, { throwIfNoEntry: false });
    if (!st) continue;
    if (!st.isDirectory()) {
      entries.push({ path: `${at}/${top}`, content: readFileSync(host), mode: st.mode & 0o777 });
      continue;
    }
    entries.push({ path: `${at}/${top}/` });
    const skipped: string[] = [];
    for (const e of readdirSync(host, { recursive: true, withFileTypes: true })) {
      const file = join(e.parentPath, e.name);
      const rel = relative(root, file);
      if (skipped.some((d) => rel.startsWith(d)) || !goSourceKept(rel, e.isDirectory())) {
        if (e.isDirectory()) skipped.push(`${rel}/`);
        continue;
      }
      if (e.isSymbolicLink()) entries.push({ path: `${at}/${rel}`, type: 'symlink', linkname: readlinkSync(file) });
      else if (e.isDirectory()) entries.push({ path: `${at}/${rel}/` });
      else entries.push({ path: `${at}/${rel}`, content: readFileSync(file), mode: lstatSync(file).mode & 0o777 });
    }
  }
  return tarLayer(entries);
}

/**
 * compressLayer, with the compressed blob kept by the tar's digest under the tools cache: every
 * test file that pushes these images would otherwise gzip this machine's node (~100 MB) again.
 */
function cachedLayer(tar: Buffer): ReturnType<typeof compressLayer> {
  const diffId = sha256(tar);
  const dir = join(process.env.PLUMBING_TOOLS_CACHE || join(homedir(), '.cache', 'plumbing', 'tools'), 'catalog-layers');
  const file = join(dir, `${diffId.replace('sha256:', '')}.tar.gz`);
  try {
    const blob = readFileSync(file);
    return { blob, digest: sha256(blob), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', diffId };
  } catch {
    const layer = compressLayer(tar);
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, layer.blob);
    renameSync(tmp, file);
    return layer;
  }
}

/** Starts the registry, pushes the images, writes the root's .plumbing.yaml. */
export async function startCatalogMirror(opts: { node?: boolean; npm?: boolean; git?: boolean; go?: boolean } = {}): Promise<CatalogMirror> {
  const registry = await startRegistry();
  try {
    const digests: Record<string, string> = {};
    const push = async (o: Parameters<typeof pushImage>[0] & { tag: string }): Promise<void> => {
      digests[`${o.repository}:${o.tag}`] = (await pushImage(o)).digest;
    };
    const alpine = cachedLayer(await alpineLike());
    await push({ registry: registry.url, repository: 'library/alpine', tag: '3.20', layers: [alpine], config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] } });
    if (opts.node || opts.npm) {
      const layers = [alpine, cachedLayer(await nodeLayer()), ...(opts.npm ? [cachedLayer(await npmLayer())] : [])];
      await push({ registry: registry.url, repository: 'library/node', tag: '20.19-alpine', layers, config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node'] } });
    }
    if (opts.git) {
      await push({ registry: registry.url, repository: 'alpine/git', tag: 'v2.47.2', layers: [alpine, cachedLayer(await gitLayer())], config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Entrypoint: ['git'] } });
    }
    if (opts.go) {
      const env = ['PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GOLANG_VERSION=1.23', 'GOTOOLCHAIN=local', 'GOPATH=/go'];
      await push({ registry: registry.url, repository: 'library/golang', tag: '1.23', layers: [alpine, cachedLayer(await goLayer())], config: { Env: env, WorkingDir: '/go' } });
    }
    const root = await mkdtemp(join(tmpdir(), 'catalog-images-'));
    await mkdir(join(root, '.git'));
    await writeFile(join(root, '.plumbing.yaml'), `images:\n  mirrors:\n    docker.io: ["${registry.host}"]\n`);
    return { registry, root, digests, stop: () => registry.stop() };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}
