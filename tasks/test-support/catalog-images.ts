// The catalog's tasks in container images built here: a loopback registry (crane registry serve)
// that serves as the docker.io mirror of a repository root made for the test (its .plumbing.yaml
// says `images: mirrors: docker.io: [<registry>]`), with images built from what this machine
// has — `library/alpine:3.20` is Debian's busybox-static with every applet linked, as Alpine is
// busybox; `library/node:20.19-alpine` (with { node: true }) adds this machine's node and the
// shared libraries it links (ldd). A task whose images are pinned by a digest, or need tools this machine cannot put in
// an image (kubectl from bitnami, gcloud, aws, kaniko), cannot run this way: see docs/images.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressLayer, type LayerEntry, pushImage, startRegistry, staticBusybox, tarLayer, type TestRegistry } from '@plumbing/test-utils';

export interface CatalogMirror {
  registry: TestRegistry;
  /** A repository root whose .plumbing.yaml mirrors docker.io to the registry: run plumbing from here. */
  root: string;
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

/** This machine's node as /usr/local/bin/node, with the libraries ldd names at their paths. */
async function nodeLayer(): Promise<Buffer> {
  const node = realpathSync(process.execPath);
  const libs = execFileSync('ldd', [node], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  const dirs = new Set<string>(['usr/', 'usr/local/', 'usr/local/bin/']);
  for (const l of libs) {
    const parts = l.slice(1).split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  const entries: LayerEntry[] = [...dirs].sort().map((p) => ({ path: p }));
  for (const l of libs) entries.push({ path: l.slice(1), content: readFileSync(realpathSync(l)), mode: 0o755 });
  entries.push({ path: 'usr/local/bin/node', content: readFileSync(node), mode: 0o755 });
  return tarLayer(entries);
}

/** Starts the registry, pushes the images, writes the root's .plumbing.yaml. */
export async function startCatalogMirror(opts: { node?: boolean } = {}): Promise<CatalogMirror> {
  const registry = await startRegistry();
  try {
    const alpine = compressLayer(await alpineLike());
    await pushImage({ registry: registry.url, repository: 'library/alpine', tag: '3.20', layers: [alpine], config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'] } });
    if (opts.node) {
      await pushImage({ registry: registry.url, repository: 'library/node', tag: '20.19-alpine', layers: [alpine, compressLayer(await nodeLayer())], config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['node'] } });
    }
    const root = await mkdtemp(join(tmpdir(), 'catalog-images-'));
    await mkdir(join(root, '.git'));
    await writeFile(join(root, '.plumbing.yaml'), `images:\n  mirrors:\n    docker.io: ["${registry.host}"]\n`);
    return { registry, root, stop: () => registry.stop() };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}
