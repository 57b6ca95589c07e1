import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressLayer, type LayerCompression, type LayerEntry, tarLayer } from '@plumbing/test-utils';
import { describe, expect, it } from 'vitest';
import { applyLayer, finishUnpack, newUnpackState } from './unpack.js';

async function unpack(layers: LayerEntry[][], compression: LayerCompression = 'gzip', owners = false) {
  const dir = mkdtempSync(join(tmpdir(), 'oci-unpack-'));
  const root = join(dir, 'rootfs');
  const state = newUnpackState(root, owners);
  (await import('node:fs')).mkdirSync(root);
  for (const [i, entries] of layers.entries()) {
    const layer = compressLayer(await tarLayer(entries), compression);
    const file = join(dir, `layer-${i}`);
    writeFileSync(file, layer.blob);
    await applyLayer(state, file, compression, `layer ${i}`);
  }
  finishUnpack(state);
  return { root, state, dir };
}

const read = (p: string) => readFileSync(p, 'utf8');

describe('applyLayer', () => {
  it.runIf(process.getuid?.() === 0)("keeps the entries' uid/gid when asked (as root), and a setuid bit that chown would strip", async () => {
    const { root } = await unpack(
      [
        [
          { path: 'home/app/', uid: 1000, gid: 1000 },
          { path: 'home/app/.profile', content: 'x', uid: 1000, gid: 1001 },
          { path: 'home/app/link', type: 'symlink', linkname: '.profile', uid: 1000, gid: 1000 },
          { path: 'bin/tool', content: 'tool', mode: 0o4755, uid: 0, gid: 50 },
        ],
      ],
      'gzip',
      true,
    );
    const owner = (p: string) => { const s = lstatSync(join(root, p)); return `${s.uid}:${s.gid}`; };
    expect(['home/app', 'home/app/.profile', 'home/app/link', 'bin/tool', 'home'].map(owner)).toEqual(['1000:1000', '1000:1001', '1000:1000', '0:50', '0:0']);
    expect(lstatSync(join(root, 'bin/tool')).mode & 0o7777).toBe(0o4755);
  });


  it('writes files, directories, symlinks, hard links and permission bits', async () => {
    const { root } = await unpack([
      [
        { path: 'bin/', mode: 0o755 },
        { path: 'bin/tool', content: 'tool', mode: 0o4755 },
        { path: 'bin/alias', type: 'symlink', linkname: 'tool' },
        { path: 'bin/hard', type: 'link', linkname: 'bin/tool' },
        { path: 'secret/', mode: 0o700 },
        { path: 'secret/key', content: 'k', mode: 0o600 },
      ],
    ]);
    expect(lstatSync(join(root, 'bin/tool')).mode & 0o7777).toBe(0o4755);
    expect(readlinkSync(join(root, 'bin/alias'))).toBe('tool');
    expect(lstatSync(join(root, 'bin/hard')).ino).toBe(lstatSync(join(root, 'bin/tool')).ino);
    expect(lstatSync(join(root, 'secret')).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(root, 'secret/key')).mode & 0o777).toBe(0o600);
  });

  it('removes a file deleted by a whiteout in an upper layer', async () => {
    const { root } = await unpack([[{ path: 'etc/a', content: 'a' }, { path: 'etc/b', content: 'b' }], [{ path: 'etc/.wh.a', content: '' }]]);
    expect([existsSync(join(root, 'etc/a')), read(join(root, 'etc/b'))]).toEqual([false, 'b']);
  });

  it('hides a lower directory behind an opaque whiteout, keeping what the same layer adds', async () => {
    const { root } = await unpack([
      [{ path: 'opt/app/old', content: 'old' }, { path: 'opt/app/sub/deep', content: 'deep' }],
      [{ path: 'opt/app/new', content: 'new' }, { path: 'opt/app/.wh..wh..opq', content: '' }],
    ]);
    expect([existsSync(join(root, 'opt/app/old')), existsSync(join(root, 'opt/app/sub')), read(join(root, 'opt/app/new'))]).toEqual([false, false, 'new']);
  });

  it('writes through symlinked directories inside the rootfs (usrmerge)', async () => {
    const { root } = await unpack([[{ path: 'usr/lib/' }, { path: 'lib', type: 'symlink', linkname: 'usr/lib' }], [{ path: 'lib/libx.so', content: 'x' }]]);
    expect(read(join(root, 'usr/lib/libx.so'))).toBe('x');
  });

  it('never writes through a symlink that points outside the rootfs', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'oci-outside-'));
    const { root } = await unpack([
      [
        { path: 'abs', type: 'symlink', linkname: outside },
        { path: 'up', type: 'symlink', linkname: '../../../../../..' },
        { path: 'etc/passwd', type: 'symlink', linkname: '/etc/passwd' },
      ],
      [{ path: 'abs/pwned', content: 'x' }, { path: 'up/escaped', content: 'x' }, { path: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n' }],
    ]);
    expect(existsSync(join(outside, 'pwned'))).toBe(false);
    expect(read(join(root, outside, 'pwned'))).toBe('x');
    expect(read(join(root, 'escaped'))).toBe('x');
    expect(lstatSync(join(root, 'etc/passwd')).isFile()).toBe(true);
    expect(read('/etc/passwd')).not.toBe('root:x:0:0::/root:/bin/sh\n');
  });

  it('replaces a hard-linked file without changing its other name', async () => {
    const { root } = await unpack([[{ path: 'a', content: 'one' }, { path: 'b', type: 'link', linkname: 'a' }], [{ path: 'b', content: 'two' }]]);
    expect([read(join(root, 'a')), read(join(root, 'b'))]).toEqual(['one', 'two']);
  });

  it('skips device files and FIFOs with a note', async () => {
    const { root, state } = await unpack([[{ path: 'dev/null', type: 'character-device' }, { path: 'run/fifo', type: 'fifo' }]]);
    expect(existsSync(join(root, 'dev/null'))).toBe(false);
    expect(state.notes).toEqual([expect.stringMatching(/^\/dev\/null: character-device skipped/), expect.stringMatching(/^\/run\/fifo: fifo skipped/)]);
  });

  it('refuses an entry that climbs out with ..', async () => {
    await expect(unpack([[{ path: '../escape', content: 'x' }]])).rejects.toMatchObject({ code: 'OCI_LAYER_INVALID' });
  });

  it('reads zstd layers', async () => {
    const { root } = await unpack([[{ path: 'z', content: 'zstd content' }]], 'zstd');
    expect(read(join(root, 'z'))).toBe('zstd content');
  });
});
