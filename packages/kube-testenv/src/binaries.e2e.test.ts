import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ensureKubeBinaries, kubeCacheDir, readBuildInfo } from './binaries.js';
import { KUBE_STAGING_MODULES, KUBE_VERSIONS } from './versions.js';

describe('ensureKubeBinaries', () => {
  it('finds the three binaries (built once into the cache) and they report the pinned versions', async () => {
    const bins = await ensureKubeBinaries();
    expect(execFileSync(bins.kubeApiserver, ['--version'], { encoding: 'utf8' }).trim()).toBe(`Kubernetes ${KUBE_VERSIONS.kubernetes}`);
    expect(execFileSync(bins.etcd, ['--version'], { encoding: 'utf8' })).toContain(`etcd Version: ${KUBE_VERSIONS.etcd.slice(1)}`);
    expect(execFileSync(bins.kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).toContain(`"gitVersion": "${KUBE_VERSIONS.kubernetes}"`);
    if (bins.source !== 'KUBEBUILDER_ASSETS') {
      expect(await readBuildInfo(kubeCacheDir())).toMatchObject({ versions: KUBE_VERSIONS });
    }
  });
});

describe('KUBE_STAGING_MODULES', () => {
  it("matches the ./staging replace block of k8s.io/kubernetes' own go.mod", () => {
    const info = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `k8s.io/kubernetes@${KUBE_VERSIONS.kubernetes}`], { cwd: tmpdir(), encoding: 'utf8' }),
    ) as { GoMod: string };
    const upstream = [...readFileSync(info.GoMod, 'utf8').matchAll(/^\s*(k8s\.io\/[\w.-]+) => \.\/staging\//gm)].map((m) => m[1]);
    expect([...KUBE_STAGING_MODULES].sort()).toEqual(upstream.sort());
  });
});
