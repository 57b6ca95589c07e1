import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

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
    targets:
      - name: dogfooding
        context: dogfooding
    nightly:
      schedule: "0 2 * * *"
      version: "v{next}-nightly.{date}+{sha7}"
    notes: releases/notes.md.tmpl
    artifacts:
      - name: release.yaml
        paths: [tasks]
`;

const cronJob = (schedule: string, args = '[release, nightly, --backend, cluster]') => yaml`
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: nightly-release
    namespace: plumbing-system
  spec:
    schedule: "${schedule}"
    jobTemplate:
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: release
                image: ghcr.io/plumbing-dev/plumbing:0.1.0
                args: ${args}
`;

const check = (files: Record<string, string>) => only(checkFiles(files), 'CONFIG_INVALID');

describe('config-release (CONFIG_INVALID)', () => {
  it('accepts a valid release config', () => {
    expect(check({ 'releases/plumbing.yaml': release })).toEqual([]);
  });

  it('reports a missing required field at the spec key', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('  pipeline: release\n', '') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 5, column: 1 }]);
  });

  it('reports an unknown field at its key (a typo is not ignored)', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('  notes:', '  nots:') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 18, column: 3 }]);
  });

  it('reports a bucket that is not file://, s3:// or gs://', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('file://.plumbing/bucket', 'https://example.com/b') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 8, column: 11 }]);
  });

  it('reports a project that does not match its file name', () => {
    expect(check({ 'releases/other.yaml': release })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 6, column: 12 }]);
  });

  it('reports a release branch pattern without exactly one *', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('release-v*', 'release') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 11, column: 20 }]);
  });

  it('reports a nightly version that does not sort by date or name the commit', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('v{next}-nightly.{date}+{sha7}', 'v{next}-nightly') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 17, column: 14 }]);
  });

  it('reports a target without a context or inCluster', () => {
    expect(check({ 'releases/plumbing.yaml': release.replace('      context: dogfooding\n', '') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 13, column: 7 }]);
  });

  it('reports duplicate artifact names', () => {
    const dup = release.replace('      paths: [tasks]\n', '      paths: [tasks]\n    - name: release.yaml\n      paths: [pipelines]\n');
    expect(check({ 'releases/plumbing.yaml': dup })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 22, column: 13 }]);
  });
});

describe('config-release: artifacts (build outputs of the release pipeline, or built by the tool from paths)', () => {
  const outputs = release.replace('    - name: release.yaml\n      paths: [tasks]\n', '    - name: "*.tgz"\n    - name: release.yaml\n    - name: checksums.txt\n');

  it('accepts pipeline outputs without paths, one * pattern among them', () => {
    expect(check({ 'releases/plumbing.yaml': outputs })).toEqual([]);
  });

  it('reports a pattern with two *, and a pattern on a tool-built artifact (paths)', () => {
    expect(check({ 'releases/plumbing.yaml': outputs.replace('"*.tgz"', '"*-*.tgz"') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 20, column: 13 }]);
    expect(check({ 'releases/plumbing.yaml': release.replace('name: release.yaml', 'name: "*.yaml"') })).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 20, column: 13 }]);
  });
});

describe('config-release: the nightly CronJob schedule comes from the release config (RELEASE_SCHEDULE_MISMATCH)', () => {
  it('accepts a CronJob on the same schedule', () => {
    expect(check({ 'releases/plumbing.yaml': release, 'clusters/c/jobs.yaml': cronJob('0 2 * * *') })).toEqual([]);
  });

  it('reports a CronJob whose schedule differs, at its schedule', () => {
    const findings = checkFiles({ 'releases/plumbing.yaml': release, 'clusters/c/jobs.yaml': cronJob('0 3 * * *') }).filter((f) => f.code === 'CONFIG_INVALID');
    expect(findings.map(({ file, line, column }) => ({ file, line, column }))).toEqual([{ file: 'clusters/c/jobs.yaml', line: 7, column: 13 }]);
    expect(findings[0]?.message).toMatch(/^RELEASE_SCHEDULE_MISMATCH/);
  });

  it('matches a CronJob to its project with --project', () => {
    const other = release.replaceAll('plumbing', 'other').replace('ghcr.io/other-dev', 'ghcr.io/plumbing-dev');
    const files = { 'releases/plumbing.yaml': release, 'releases/other.yaml': other, 'clusters/c/jobs.yaml': cronJob('0 3 * * *', '[release, nightly, --project, plumbing]') };
    expect(only(checkFiles(files), 'CONFIG_INVALID')).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 7, column: 13 }]);
  });

  it('ignores CronJobs that do not run the nightly release', () => {
    expect(check({ 'releases/plumbing.yaml': release, 'clusters/c/jobs.yaml': cronJob('0 3 * * *', '[deploy, dogfooding]') })).toEqual([]);
  });
});
