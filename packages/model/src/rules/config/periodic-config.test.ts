import { describe, expect, it } from 'vitest';
import { checkFiles, checkYaml, only, yaml } from '../../test-helpers.js';

const cluster = yaml`
  apiVersion: plumbing.dev/v1alpha1
  kind: Cluster
  metadata:
    name: dogfooding
  spec:
    context: dogfooding
    sources:
      - path: tasks
        namespace: tekton-ci
    serve:
      nightlyImages:
        schedule: "0 3 * * *"
        registry: ghcr.io/plumbing-dev
        repository: plumbing-dev/plumbing
        tag: nightly
`;

const release = yaml`
  apiVersion: plumbing.dev/v1alpha1
  kind: Release
  metadata:
    name: plumbing
  spec:
    project: plumbing
    pipeline: release
    bucket: file://.plumbing/bucket
    imageRegistry: ghcr.io/plumbing-dev
    repository: plumbing-dev/plumbing
    releaseBranches: release-v*
    postReleaseTests:
      - name: install-from-bucket
        pipeline: post-release
        params:
          version: "{version}"
          url: "{bucket}/{bucketPrefix}/release.yaml"
`;

const invalid = (f: ReturnType<typeof checkYaml>) => only(f, 'CONFIG_INVALID');

describe('spec.serve.nightlyImages (CONFIG_INVALID)', () => {
  it('accepts a valid section', () => {
    expect(invalid(checkYaml(cluster))).toEqual([]);
  });

  it('reports a missing field, a bad schedule, a registry with a scheme and a bad tag at their keys', () => {
    const bad = cluster.replace('      registry: ghcr.io/plumbing-dev\n', '').replace('"0 3 * * *"', '"0 3 * *"').replace('tag: nightly', 'tag: -nightly');
    expect(invalid(checkYaml(bad))).toEqual([
      { code: 'CONFIG_INVALID', severity: 'error', line: 11, column: 5 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 12, column: 17 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 14, column: 12 },
    ]);
    expect(invalid(checkYaml(cluster.replace('registry: ghcr.io', 'registry: https://ghcr.io')))).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 13, column: 17 }]);
  });
});

describe('spec.postReleaseTests (CONFIG_INVALID)', () => {
  it('accepts a valid list', () => {
    expect(only(checkFiles({ 'releases/plumbing.yaml': release }), 'CONFIG_INVALID')).toEqual([]);
  });

  it('reports a missing pipeline, a bad name and an unknown placeholder', () => {
    const bad = `${release.replace('      pipeline: post-release\n', '').replace('{bucketPrefix}', '{prefix}')}    - name: Smoke
      pipeline: smoke
`;
    expect(only(checkFiles({ 'releases/plumbing.yaml': bad }), 'CONFIG_INVALID')).toEqual([
      { code: 'CONFIG_INVALID', severity: 'error', line: 13, column: 7 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 16, column: 14 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 17, column: 13 },
    ]);
  });
});
