import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModules, cacheKey, etcdGoMod, kubernetesGoMod, kubernetesLdflags, stagingVersion } from './go-modules.js';
import { KUBE_STAGING_MODULES, KUBE_VERSIONS } from './versions.js';

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `go mod edit -json` parses a go.mod with Go's own parser (no network). */
function goModJson(text: string): { Require: { Path: string; Version: string }[]; Replace: { Old: { Path: string }; New: { Path: string; Version: string } }[]; Tool?: { Path: string }[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-testenv-gomod-'));
  try {
    writeFileSync(join(dir, 'go.mod'), text);
    return JSON.parse(execFileSync('go', ['mod', 'edit', '-json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('stagingVersion', () => {
  it('maps k8s.io/kubernetes v1.Y.Z to the staging modules tag v0.Y.Z', () => {
    expect(stagingVersion('v1.34.4')).toBe('v0.34.4');
  });

  it('rejects what is not a v1 release', () => {
    expect(() => stagingVersion('1.34.4')).toThrow(expect.objectContaining({ code: 'KUBE_VERSION_INVALID' }));
    expect(() => stagingVersion('v2.0.0')).toThrow(expect.objectContaining({ code: 'KUBE_VERSION_INVALID' }));
  });
});

describe('kubernetesGoMod', () => {
  it('renders the pinned go.mod', async () => {
    await expect(kubernetesGoMod({ kubernetes: 'v1.34.4' })).toMatchFileSnapshot('../test/golden/kubernetes.go.mod');
  });

  it.skipIf(!hasGo())('pins every staging module to v0.Y.Z, as Go reads it', () => {
    const mod = goModJson(kubernetesGoMod({ kubernetes: 'v1.34.4' }));
    expect(mod.Require).toEqual([{ Path: 'k8s.io/kubernetes', Version: 'v1.34.4' }]);
    expect(mod.Replace.map((r) => [r.Old.Path, r.New.Path, r.New.Version])).toEqual(
      [...KUBE_STAGING_MODULES].sort().map((m) => [m, m, 'v0.34.4']),
    );
    expect(mod.Tool?.map((t) => t.Path)).toEqual(['k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kubectl']);
  });
});

describe('etcdGoMod', () => {
  it.skipIf(!hasGo())('requires the etcd server module, whose root package is the etcd command', () => {
    const mod = goModJson(etcdGoMod({ etcd: 'v3.6.4' }));
    expect(mod.Require).toEqual([{ Path: 'go.etcd.io/etcd/server/v3', Version: 'v3.6.4' }]);
    expect(mod.Tool?.map((t) => t.Path)).toEqual(['go.etcd.io/etcd/server/v3']);
  });

  it('rejects a version that is not vX.Y.Z', () => {
    expect(() => etcdGoMod({ etcd: 'latest' })).toThrow(expect.objectContaining({ code: 'KUBE_VERSION_INVALID' }));
  });
});

describe('buildModules', () => {
  it('builds the three binaries from two modules, etcd first', () => {
    expect(buildModules(KUBE_VERSIONS).map((m) => [m.name, m.binaries])).toEqual([
      ['etcd', ['etcd']],
      ['kubernetes', ['kube-apiserver', 'kubectl']],
    ]);
  });
});

describe('cacheKey', () => {
  it('names the cache directory after the versions and the platform', () => {
    expect(cacheKey({ kubernetes: 'v1.34.4', etcd: 'v3.6.4' }, 'linux-amd64')).toBe('k8s-v1.34.4_etcd-v3.6.4_linux-amd64');
  });
});

describe('kubernetesLdflags', () => {
  it('strips symbols and stamps the release version into both version packages', () => {
    const flags = kubernetesLdflags('v1.34.4', '2026-02-10T12:53:36Z').split(' ');
    expect(flags.slice(0, 2)).toEqual(['-s', '-w']);
    expect(flags).toContain('k8s.io/component-base/version.gitVersion=v1.34.4');
    expect(flags).toContain('k8s.io/client-go/pkg/version.gitMinor=34');
    expect(flags).toContain('k8s.io/component-base/version.buildDate=2026-02-10T12:53:36Z');
  });
});
