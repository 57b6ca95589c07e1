import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureKubeBinaries, kubeCacheDir, readBuildInfo } from './binaries.js';
import { KUBE_VERSIONS } from './versions.js';

// `go build` of Kubernetes takes many minutes, so these tests of the cache, the lock and the
// atomic rename use a stand-in go command (test/fixtures/fake-go/go); the e2e suite runs the real one.
const fakeGo = fileURLToPath(new URL('../test/fixtures/fake-go/go', import.meta.url));

describe('ensureKubeBinaries (with a stand-in go command)', () => {
  let root: string;
  let goLog: string;
  let env: NodeJS.ProcessEnv;
  const lines: string[] = [];
  const log = (line: string): void => {
    lines.push(line);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kube-testenv-cache-'));
    goLog = join(root, 'go-calls.log');
    env = { PATH: process.env.PATH, FAKE_GO_LOG: goLog };
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const builds = async (): Promise<string[]> =>
    (await readFile(goLog, 'utf8').catch(() => '')).split('\n').filter((l) => l.startsWith('build '));

  it('builds once into <root>/<versions>/bin and then reuses the cache', async () => {
    const first = await ensureKubeBinaries({ env, cacheRoot: join(root, 'cache'), go: fakeGo, log });
    expect(first.source).toBe('built');
    expect(first.dir).toBe(join(kubeCacheDir({ cacheRoot: join(root, 'cache') }), 'bin'));
    expect((await readdir(first.dir)).sort()).toEqual(['etcd', 'kube-apiserver', 'kubectl']);
    const second = await ensureKubeBinaries({ env, cacheRoot: join(root, 'cache'), go: fakeGo, log });
    expect(second.source).toBe('cache');
    expect(await builds()).toHaveLength(2);
    expect(await readBuildInfo(join(first.dir, '..'))).toMatchObject({ versions: KUBE_VERSIONS, go: 'go0.0-fake' });
  });

  it('names the etcd output file and builds kube-apiserver and kubectl in one go build', async () => {
    await ensureKubeBinaries({ env, cacheRoot: join(root, 'cache'), go: fakeGo, log });
    const [etcd, kube] = await builds();
    expect(etcd).toMatch(/-o \S+\/bin\/etcd go\.etcd\.io\/etcd\/server\/v3$/);
    expect(kube).toMatch(/-o \S+\/bin\/ k8s\.io\/kubernetes\/cmd\/kube-apiserver k8s\.io\/kubernetes\/cmd\/kubectl$/);
    expect(kube).toContain('-trimpath');
    expect(kube).toContain('k8s.io/component-base/version.gitVersion=v1.34.4');
    expect(lines.some((l) => /building kube-apiserver, kubectl v1\.34\.4 \(first run only/.test(l))).toBe(true);
  });

  it('lets concurrent callers share one build (lock), each getting the binaries', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureKubeBinaries({ env, cacheRoot: join(root, 'cache'), go: fakeGo, log })));
    expect(results.map((r) => r.source).sort()).toEqual(['built', 'cache', 'cache']);
    expect(await builds()).toHaveLength(2);
  });

  it('leaves neither a cache dir, a scratch dir nor a lock behind when the build fails', async () => {
    const cacheRoot = join(root, 'cache');
    await expect(ensureKubeBinaries({ env: { ...env, FAKE_GO_FAIL: 'build' }, cacheRoot, go: fakeGo, log })).rejects.toMatchObject({
      code: 'KUBE_EXEC_FAILED',
      message: expect.stringContaining('compile: something broke'),
    });
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('takes the binaries from KUBEBUILDER_ASSETS without building', async () => {
    const built = await ensureKubeBinaries({ env, cacheRoot: join(root, 'cache'), go: fakeGo, log });
    const assets = await ensureKubeBinaries({ env: { ...env, KUBEBUILDER_ASSETS: built.dir }, cacheRoot: join(root, 'other'), go: fakeGo, log });
    expect(assets).toMatchObject({ source: 'KUBEBUILDER_ASSETS', kubectl: join(built.dir, 'kubectl') });
  });

  it('rejects a KUBEBUILDER_ASSETS dir without the binaries', async () => {
    await expect(ensureKubeBinaries({ env: { ...env, KUBEBUILDER_ASSETS: root }, go: fakeGo, log })).rejects.toMatchObject({ code: 'KUBE_ASSETS_INCOMPLETE' });
  });
});
