import { describe, expect, it } from 'vitest';
import { checkYaml, only, yaml } from '../../test-helpers.js';

const ok = yaml`
  apiVersion: plumbing.dev/v1alpha1
  kind: Cluster
  metadata:
    name: dogfooding
  spec:
    context: dogfooding
    sources:
      - path: tasks
        namespace: tekton-ci
        versions: latest
    prune:
      allowPVCs: false
`;

describe('config-cluster (CONFIG_INVALID)', () => {
  it('accepts a valid cluster config', () => {
    expect(only(checkYaml(ok), 'CONFIG_INVALID')).toEqual([]);
  });

  it('reports an unknown field at its key (a typo is not ignored)', () => {
    const f = checkYaml(ok.replace('  prune:', '  pruen:'));
    expect(only(f, 'CONFIG_INVALID')).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 11, column: 3 }]);
  });

  it('accepts a serve section and reports its unknown fields and bad secret refs at their keys', () => {
    const serve = `${ok}  serve:
    publicUrl: https://ci.example.org
    concurrency: {global: 4, perRepository: 2}
    githubTokenSecret: {secretName: gh, secretKey: token}
    leaseSeconds: 30
    reconcileMinutes: 10
`;
    expect(only(checkYaml(serve), 'CONFIG_INVALID')).toEqual([]);
    const bad = checkYaml(serve.replace('perRepository', 'perRepo').replace('secretKey: token', 'key: token').replace('leaseSeconds: 30', 'leaseSeconds: soon'));
    expect(only(bad, 'CONFIG_INVALID')).toEqual([
      { code: 'CONFIG_INVALID', severity: 'error', line: 15, column: 30 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 16, column: 5 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 16, column: 41 },
      { code: 'CONFIG_INVALID', severity: 'error', line: 17, column: 19 },
    ]);
  });

  it('knows the pull-request policy, GitHub App, notify and retention fields of serve, and checks their values', () => {
    const serve = `${ok}  serve:
    org: tektoncd
    trustedOrg: tektoncd-catalog
    onlyOrgMembers: false
    trustedTeams: [maintainers]
    trustedApps: [dependabot]
    owners: true
    okToTest: per-push
    drafts: skip
    bot: plumbing-bot
    commands: {ok-to-test: [member, approver], build-image: [write]}
    defaultRoles: [trusted, author]
    ignoredCommands: [lgtm]
    images: {dir: images, tagPattern: '^v[0-9.]+$', registry: ghcr.io/tektoncd, pipeline: image-build}
    githubApp: {appId: 12345, installationId: 678, privateKeySecret: {secretName: app, secretKey: key.pem}}
    checkFindingsStep: plumbing-check
    notify:
      githubIssue: {repository: tektoncd/plumbing, labels: [kind/failure]}
      slackWebhookSecret: {secretName: slack, secretKey: url}
    retention: {maxAgeDays: 30, maxRunsPerJob: 200, bucket: 'file:///var/logs', intervalMinutes: 60}
`;
    expect(only(checkYaml(serve), 'CONFIG_INVALID')).toEqual([]);
    const bad = checkYaml(serve.replace('okToTest: per-push', 'okToTest: always').replace('[member, approver]', '[member, owner]').replace('maxRunsPerJob', 'maxRuns'));
    expect(only(bad, 'CONFIG_INVALID').map((f) => f.line)).toEqual([20, 23, 32]);
  });

  it('reports an empty source list', () => {
    const f = checkYaml(yaml`
      apiVersion: plumbing.dev/v1alpha1
      kind: Cluster
      metadata:
        name: c
      spec:
        inCluster: true
        sources: []
    `);
    expect(only(f, 'CONFIG_INVALID')).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 7, column: 12 }]);
  });

  it('reports a source path that leaves the repository', () => {
    const f = checkYaml(ok.replace('path: tasks', 'path: ../secrets'));
    expect(only(f, 'CONFIG_INVALID')).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 8, column: 13 }]);
  });

  it('reports a missing context and inCluster', () => {
    const f = checkYaml(ok.replace('  context: dogfooding\n', ''));
    expect(only(f, 'CONFIG_INVALID')).toEqual([{ code: 'CONFIG_INVALID', severity: 'error', line: 5, column: 1 }]);
  });
});
