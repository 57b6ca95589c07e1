// Images the e2e tests push to their registry: a static busybox with a config, multi-layer
// images with whiteouts, one layer per platform for indexes.
import { readFileSync } from 'node:fs';
import { staticBusybox } from './busybox.js';
import { compressLayer, type LayerCompression, type LayerEntry, tarLayer } from './layer.js';
import { type ImageConfigInput, type PushedImage, pushImage } from './push.js';

/** A root filesystem layer with busybox as /bin/busybox and /bin/sh, an /etc/passwd with a non-root user (uid 1000) whose home and its .profile are its own. */
export async function busyboxLayer(compression: LayerCompression = 'gzip') {
  const busybox = readFileSync(staticBusybox());
  const entries: LayerEntry[] = [
    { path: 'bin/' },
    { path: 'bin/busybox', content: busybox, mode: 0o755 },
    ...['sh', 'cat', 'ls', 'id', 'pwd', 'env', 'echo', 'test', 'touch', 'rm', 'wget', 'httpd', 'mkdir', 'stat'].map((n): LayerEntry => ({ path: `bin/${n}`, type: 'link', linkname: 'bin/busybox' })),
    { path: 'etc/' },
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' },
    { path: 'etc/group', content: 'root:x:0:\napp:x:1000:\n' },
    { path: 'home/app/', uid: 1000, gid: 1000 },
    { path: 'home/app/.profile', content: 'export EDITOR=vi\n', uid: 1000, gid: 1000 },
    { path: 'root/', mode: 0o700 },
    { path: 'tmp/', mode: 0o1777 },
  ];
  return compressLayer(await tarLayer(entries), compression);
}

/** busybox + a second layer that adds files + a third that deletes one of them (whiteout). */
export async function pushAppImage(registry: string, repository: string, tag: string, config: ImageConfigInput = {}, format: 'oci' | 'docker' = 'oci'): Promise<PushedImage> {
  const base = await busyboxLayer();
  const app = compressLayer(
    await tarLayer([
      { path: 'app/' },
      { path: 'app/run.sh', content: '#!/bin/sh\necho "entrypoint ran with: $*"\necho "GREETING=$GREETING"\necho "pwd=$(pwd)"\necho "id=$(id -u):$(id -g)"\n', mode: 0o755 },
      { path: 'app/deleted-later', content: 'gone' },
      { path: 'app/kept', content: 'kept' },
    ]),
  );
  const wh = compressLayer(await tarLayer([{ path: 'app/.wh.deleted-later', content: '' }]));
  return pushImage({ registry, repository, tag, layers: [base, app, wh], config, format });
}
