// `plumbing images pull | list | prune` against a real registry on loopback (crane registry serve).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compressLayer, pushImage, startRegistry, type TestRegistry, tarLayer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

let registry: TestRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

function io(env: NodeJS.ProcessEnv): Io & { out: string; err: string } {
  const o = { out: '', err: '' } as Io & { out: string; err: string };
  Object.assign(o, {
    cwd: mkdtempSync(join(tmpdir(), 'cli-images-cwd-')),
    env,
    stdout: (s: string) => {
      o.out += s;
    },
    stderr: (s: string) => {
      o.err += s;
    },
    isTTY: false,
    signal: new AbortController().signal,
  });
  return o;
}

describe('plumbing images with a real registry', () => {
  it('pulls an image, lists it, and prunes it once it is older than --older-than', async () => {
    const pushed = await pushImage({ registry: registry.url, repository: 'cli/tool', tag: '1.0', layers: [compressLayer(await tarLayer([{ path: 'hello', content: 'hi' }]))] });
    const env = { PLUMBING_CACHE: mkdtempSync(join(tmpdir(), 'cli-images-cache-')), DOCKER_CONFIG: join(tmpdir(), 'no-docker-config') };
    const pull = io(env);
    expect(await main(['images', 'pull', `${registry.host}/cli/tool:1.0`, '--format', 'json'], pull)).toBe(0);
    expect(JSON.parse(pull.out)).toMatchObject({ manifestDigest: pushed.digest, cached: false });

    const list = io(env);
    expect(await main(['images', '--format', 'json'], list)).toBe(0);
    expect(JSON.parse(list.out).images).toEqual([expect.objectContaining({ references: [`${registry.host}/cli/tool:1.0`], manifestDigest: pushed.digest })]);
    const text = io(env);
    expect(await main(['images'], text)).toBe(0);
    expect(text.out.split('\n')[1]).toContain(`${registry.host}/cli/tool:1.0  ${pushed.digest.slice(0, 19)}`);

    const kept = io(env);
    expect(await main(['images', 'prune', '--older-than', '1h'], kept)).toBe(0);
    expect(kept.out).toBe('0 image(s), 0 blob(s) removed, 0.0 MiB of blobs freed\n');
    const dry = io(env);
    expect(await main(['images', 'prune', '--older-than', '0', '--dry-run'], dry)).toBe(0);
    expect(dry.out).toContain(`would remove ${registry.host}/cli/tool:1.0`);
    const pruned = io(env);
    expect(await main(['images', 'prune', '--older-than', '0', '--format', 'json'], pruned)).toBe(0);
    expect(JSON.parse(pruned.out)).toMatchObject({ dryRun: false, images: [expect.objectContaining({ manifestDigest: pushed.digest })], blobs: 3 });
    const after = io(env);
    await main(['images'], after);
    expect(after.out).toBe('no cached images\n');
  });

  it('names the image, the registry and what to do when a pull fails', async () => {
    const i = io({ PLUMBING_CACHE: mkdtempSync(join(tmpdir(), 'cli-images-cache-')), DOCKER_CONFIG: join(tmpdir(), 'no-docker-config') });
    expect(await main(['images', 'pull', `${registry.host}/cli/missing:1.0`], i)).toBe(1);
    expect(i.err).toBe(`plumbing: registry ${registry.host} has no manifest 1.0 for ${registry.host}/cli/missing:1.0 (HTTP 404)\n  hint: check the image name and tag\n`);
  });
});
