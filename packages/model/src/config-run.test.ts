import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepoConfig } from './config.js';
import { lookupImageConfig } from './tekton/image-config.js';

const roots: string[] = [];
function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-config-run-'));
  roots.push(root);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

const featureFlags = `apiVersion: v1
kind: ConfigMap
metadata: {name: feature-flags, namespace: tekton-pipelines}
data:
  results-from: sidecar-logs
  max-result-size: "8192"
  enable-api-fields: stable
`;

describe('.plumbing.yaml run section', () => {
  it("reads the cluster's feature-flags ConfigMap, and its own featureFlags win", () => {
    const root = repo({ '.plumbing.yaml': 'run:\n  cluster: dev\n  featureFlags:\n    enable-api-fields: alpha\n', 'clusters/dev/tekton/flags.yaml': featureFlags });
    const { config, findings } = loadRepoConfig(root);
    expect(findings).toEqual([]);
    expect(config.run.featureFlags).toMatchObject({ resultsFrom: 'sidecar-logs', maxResultSize: 8192, enableApiFields: 'alpha' });
    expect(config.run.featureFlagSources).toEqual(['clusters/dev/tekton/flags.yaml', '.plumbing.yaml']);
  });

  it('reports bad flag values, unknown clusters and bad image configs at file:line', () => {
    const root = repo({
      '.plumbing.yaml': ['run:', '  cluster: nope', '  featureFlags:', '    results-from: logs', '  imageConfigs:', '    registry.example.com/tool:1:', '      entrypoint: tool', '      workdir: /x', ''].join('\n'),
    });
    const { findings } = loadRepoConfig(root);
    expect(findings.map((f) => ({ code: f.code, file: f.file, line: f.line }))).toEqual([
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 2 },
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 4 },
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 7 },
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 8 },
      { code: 'CONFIG_INVALID', file: '.plumbing.yaml', line: 6 },
    ]);
  });

  it('gives image configs that lookupImageConfig finds under any spelling of the image', () => {
    const root = repo({ '.plumbing.yaml': 'run:\n  imageConfigs:\n    docker.io/team/tool:\n      entrypoint: [tool]\n      cmd: [--help]\n      workingDir: /src\n      env: {A: b}\n' });
    const { config } = loadRepoConfig(root);
    expect(lookupImageConfig('team/tool:2', config.run.imageConfigs)).toEqual({ Entrypoint: ['tool'], Cmd: ['--help'], WorkingDir: '/src', Env: ['A=b'] });
  });
});
