// Steps run in pulled images: the image's rootfs as `/` under bubblewrap, over a per-step
// writable overlay layer mounted in the run's image namespace (real registry, real unshare +
// overlayfs + nsenter + bwrap).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushAppImage, startRegistry, type TestRegistry } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageNamespace } from './image-namespace.js';

import { imageArgv, imageEnv, resolveUser } from './entrypoint.js';
import { detectImageSandbox } from './image-sandbox.js';
import { type PulledImage, pullImage } from './pull.js';

let registry: TestRegistry;
let image: PulledImage;
let asUser: PulledImage;
let ns: ImageNamespace;
let tools: Parameters<typeof ImageNamespace.start>[0];

beforeAll(async () => {
  registry = await startRegistry();
  const cache = mkdtempSync(join(tmpdir(), 'oci-run-cache-'));
  await pushAppImage(registry.url, 'team/app', 'v1', { Env: ['GREETING=from-image', 'PATH=/bin'], WorkingDir: '/app', Entrypoint: ['/app/run.sh'], Cmd: ['default-arg'] });
  await pushAppImage(registry.url, 'team/app', 'user', {
    Entrypoint: ['/bin/sh', '-c'],
    Cmd: ['id -u; id -g; echo more >> /home/app/.profile && touch /home/app/mine && stat -c %u:%g /home/app /home/app/.profile /home/app/mine /etc/passwd && echo home-writable; touch /etc/not-mine || echo etc-refused'],
    User: 'app',
  });
  image = await pullImage(`${registry.host}/team/app:v1`, { cache, credentials: new Map() });
  asUser = await pullImage(`${registry.host}/team/app:user`, { cache, credentials: new Map() });
  const sandbox = await detectImageSandbox();
  if (!sandbox.available) throw new Error(sandbox.reason);
  tools = sandbox.tools;
  ns = await ImageNamespace.start(tools);
});
afterAll(async () => {
  await ns?.close();
  await registry?.stop();
});

async function runStep(img: PulledImage, step: { command?: string[]; args?: string[]; env?: Record<string, string>; workingDir?: string; user?: string }, namespace = ns) {
  const workspace = mkdtempSync(join(tmpdir(), 'oci-ws-'));
  const user = resolveUser(img.rootfs, step.user ?? img.config.User, 'test');
  const cwd = step.workingDir ?? img.config.WorkingDir ?? '/';
  const overlay = await namespace.overlay(img.rootfs);
  const cmd = namespace.stepCommand(overlay, {
    uid: user.uid,
    gid: user.gid,
    mounts: [{ target: '/workspace', source: workspace, readOnly: false }],
    dirs: [cwd],
    cwd,
    argv: imageArgv(img.config, step.command, step.args, 'test'),
  }, img.owners === true);
  const env = { ...Object.fromEntries(imageEnv(img.config)), HOME: user.home, ...step.env };
  return new Promise<{ code: number; stdout: string; stderr: string; upper: string; workspace: string; overlay: typeof overlay }>((resolve) => {
    execFile(cmd.file, cmd.args, { env }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, upper: overlay.upper, workspace, overlay });
    });
  });
}

describe('ImageNamespace.stepCommand', () => {
  it("runs the image's Entrypoint and Cmd with its Env and WorkingDir when the step has no command", async () => {
    const r = await runStep(image, {});
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n')).toEqual(['entrypoint ran with: default-arg', 'GREETING=from-image', 'pwd=/app', 'id=0:0', '']);
  });

  it("runs the Entrypoint with the step's args, and the step's env over the image's", async () => {
    const r = await runStep(image, { args: ['a', 'b'], env: { GREETING: 'from-step' } });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['entrypoint ran with: a b', 'GREETING=from-step']);
  });

  it('shows the image as / (a file deleted in an upper layer is gone) and keeps writes in the step layer', async () => {
    const r = await runStep(image, {
      command: ['/bin/sh', '-c'],
      args: ['test ! -e /app/deleted-later && cat /app/kept && echo changed > /app/kept && echo new > /etc/new && cat /app/kept && echo out > /workspace/out'],
    });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, 'keptchanged\n', '']);
    expect(readFileSync(join(image.rootfs, 'app/kept'), 'utf8')).toBe('kept');
    expect(existsSync(join(image.rootfs, 'etc/new'))).toBe(false);
    expect(readFileSync(join(r.upper, 'etc/new'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(r.workspace, 'out'), 'utf8')).toBe('out\n');
  });

  it("runs as the image's non-root User (uid 1000 from its /etc/passwd), which owns its home and the files the layer gave it there (1000:1000 in the tar) but not root's", async () => {
    // this suite runs as root (CI, this machine): owners are kept (owners.ts)
    expect([process.getuid?.(), asUser.owners, ns.keepsOwners]).toEqual([0, true, true]);
    expect(statSync(join(asUser.rootfs, 'home/app/.profile'))).toMatchObject({ uid: 1000, gid: 1000 });
    const r = await runStep(asUser, {});
    expect([r.code, r.stdout, r.stderr.includes('not-mine')]).toEqual([0, '1000\n1000\n1000:1000\n1000:1000\n1000:1000\n0:0\nhome-writable\netc-refused\n', true]);
    expect(readFileSync(join(r.upper, 'home/app/.profile'), 'utf8')).toBe('export EDITOR=vi\nmore\n');
    expect(statSync(join(r.upper, 'home/app/mine'))).toMatchObject({ uid: 1000, gid: 1000 });
  });

  it("runs a root step in the same image seeing the layer's owners (1000:1000 for /home/app, root's for /etc)", async () => {
    const r = await runStep(asUser, { user: '0', command: ['/bin/sh', '-c', 'id -u; stat -c %u:%g /home/app /home/app/.profile /etc/passwd; touch /home/app/by-root && stat -c %u:%g /home/app/by-root'] });
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '0\n1000:1000\n1000:1000\n0:0\n0:0\n', '']);
  });

  it.each([
    ['perl', 'mount(2) from perl'],
    ['sh', 'a mount process'],
  ])('gives each step a fresh layer (the next one mounted ahead), and removes released overlays in the background and at close (%s holder: %s)', async (holder) => {
    const scratchRoot = mkdtempSync(join(tmpdir(), 'oci-overlays-'));
    const { perl, ...withoutPerl } = tools;
    if (holder === 'perl') expect(perl).toBeDefined();
    const own = await ImageNamespace.start(holder === 'perl' ? tools : withoutPerl, { scratchRoot });
    const first = await runStep(image, { command: ['/bin/sh', '-c', 'echo one > /etc/step-file'] }, own);
    const second = await runStep(image, { command: ['/bin/sh', '-c', 'test ! -e /etc/step-file && echo fresh'] }, own);
    expect([first.code, second.code, second.stdout]).toEqual([0, 0, 'fresh\n']);
    expect(second.overlay.scratch).not.toBe(first.overlay.scratch);
    // the spare mounted for the next step, and the two used ones
    expect(readdirSync(scratchRoot)).toHaveLength(3);
    // 16 released overlays are unmounted in one request; the holder answers in order, so once a
    // mount asked after them is done, they are gone from its namespace
    const more = [];
    for (let i = 0; i < 14; i++) more.push(await own.overlay(image.rootfs));
    const released = [first.overlay, second.overlay, ...more];
    for (const o of released) own.release(o);
    const kept = [await own.overlay(image.rootfs), await own.overlay(image.rootfs)];
    const mounted = readFileSync(`/proc/${own.pid}/mountinfo`, 'utf8');
    expect(kept.filter((o) => mounted.includes(` ${o.merged} `))).toEqual(kept);
    expect(released.filter((o) => mounted.includes(` ${o.merged} `))).toEqual([]);
    for (const o of kept) own.release(o);
    await own.close();
    expect(readdirSync(scratchRoot)).toEqual([]);
  });
});
