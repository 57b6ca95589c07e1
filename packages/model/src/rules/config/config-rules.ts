import type { DocRule } from '../../check/rule.js';
import { isMap, mapsOf } from '../../yaml/values.js';
import { checkFields } from './config-fields.js';
import { checkNightlyImages } from './periodic-config.js';
import { releaseConfigRule } from './release-config-rules.js';

const TEST_TYPES = new Set(['dryRunTriggerTemplates', 'dryRunFile', 'pipelineRun']);

/** `plumbing.dev/v1alpha1 Cluster`: the deploy target declared in clusters/<name>/cluster.yaml. */
export const clusterConfigRule: DocRule = {
  id: 'config-cluster',
  kinds: ['Cluster'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('CONFIG_INVALID', ['spec'], 'a Cluster needs a spec', { key: true });
      return;
    }
    checkFields(
      ctx,
      spec,
      ['spec'],
      { context: 'string', inCluster: 'boolean', stateNamespace: 'string', sources: 'list', healthChecks: 'list', postDeployTests: 'list', prune: 'map', schedule: 'string', historyLimit: 'number', leaseSeconds: 'number', notify: 'map', serve: 'map' },
      ['sources'],
    );
    if (spec.context === undefined && spec.inCluster !== true) ctx.report('CONFIG_INVALID', ['spec'], 'a Cluster needs a kube context or inCluster: true', { key: true });
    if (spec.context !== undefined && spec.inCluster === true) ctx.report('CONFIG_INVALID', ['spec', 'inCluster'], 'context and inCluster: true exclude each other', { key: true });
    if (Array.isArray(spec.sources) && spec.sources.length === 0) ctx.report('CONFIG_INVALID', ['spec', 'sources'], 'sources is empty: a deploy of nothing would prune everything', { hint: 'list the repository paths that deploy to this cluster' });
    for (const [s, i] of mapsOf(spec.sources)) {
      checkFields(ctx, s, ['spec', 'sources', i], { path: 'string', namespace: 'string', versions: 'string', excludeKinds: 'list' }, ['path']);
      if (s.versions !== undefined && s.versions !== 'all' && s.versions !== 'latest') ctx.report('CONFIG_INVALID', ['spec', 'sources', i, 'versions'], 'versions must be all or latest');
      if (typeof s.path === 'string' && (s.path.startsWith('/') || s.path.split('/').includes('..'))) ctx.report('CONFIG_INVALID', ['spec', 'sources', i, 'path'], 'path must stay inside the repository');
    }
    for (const [h, i] of mapsOf(spec.healthChecks)) checkFields(ctx, h, ['spec', 'healthChecks', i], { kind: 'string', name: 'string', namespace: 'string', timeoutSeconds: 'number' }, ['kind', 'name']);
    for (const [t, i] of mapsOf(spec.postDeployTests)) {
      checkFields(ctx, t, ['spec', 'postDeployTests', i], { name: 'string', type: 'string', file: 'string', timeoutSeconds: 'number' }, ['name', 'type']);
      if (typeof t.type === 'string' && !TEST_TYPES.has(t.type)) ctx.report('CONFIG_INVALID', ['spec', 'postDeployTests', i, 'type'], `unknown test type ${t.type}`, { hint: [...TEST_TYPES].join(', ') });
      if ((t.type === 'dryRunFile' || t.type === 'pipelineRun') && t.file === undefined) ctx.report('CONFIG_INVALID', ['spec', 'postDeployTests', i], `a ${t.type} test needs a file`, { key: true });
    }
    if (isMap(spec.prune)) checkFields(ctx, spec.prune, ['spec', 'prune'], { enabled: 'boolean', allowNamespaces: 'boolean', allowCRDs: 'boolean', allowPVCs: 'boolean' });
    if (isMap(spec.notify)) {
      checkFields(ctx, spec.notify, ['spec', 'notify'], { webhook: 'string', githubIssue: 'map', githubStatus: 'map' });
      if (typeof spec.notify.webhook === 'string' && !/^https?:\/\//.test(spec.notify.webhook)) ctx.report('CONFIG_INVALID', ['spec', 'notify', 'webhook'], 'webhook must be an http(s) URL');
    }
    if (isMap(spec.serve)) checkServe(ctx, spec.serve);
    if (typeof spec.schedule === 'string' && spec.schedule.trim().split(/\s+/).length !== 5 && !spec.schedule.startsWith('@')) {
      ctx.report('CONFIG_INVALID', ['spec', 'schedule'], `schedule must have 5 fields, found ${spec.schedule.trim().split(/\s+/).length}`);
    }
  },
};

/** `spec.serve`: the settings of `plumbing serve` for this cluster (docs/serve.md), and the pull-request policy of @plumbing/pr (its PrPolicy fields). */
function checkServe(ctx: Parameters<DocRule['check']>[0], serve: Record<string, unknown>): void {
  const at = ['spec', 'serve'];
  checkFields(ctx, serve, at, {
    publicUrl: 'string', org: 'string', trustedTeams: 'list', privateRepositories: 'list', concurrency: 'map', queueTimeoutMinutes: 'number', leaseSeconds: 'number', reconcileMinutes: 'number',
    statusContext: 'string', githubTokenSecret: 'map', apiTokenSecret: 'map', githubApiUrl: 'string', nightlyImages: 'map', githubApp: 'map',
    // The pull-request policy (packages/pr parsePrPolicy).
    trustedOrg: 'string', onlyOrgMembers: 'boolean', trustedApps: 'list', owners: 'boolean', okToTest: 'string', drafts: 'string', bot: 'string',
    commands: 'map', defaultRoles: 'list', ignoredCommands: 'list', images: 'map',
    checkFindingsStep: 'string', notify: 'map', retention: 'map',
  });
  if (isMap(serve.concurrency)) checkFields(ctx, serve.concurrency, [...at, 'concurrency'], { global: 'number', perRepository: 'number' });
  for (const k of ['githubTokenSecret', 'apiTokenSecret']) {
    const ref = serve[k];
    if (isMap(ref)) checkSecretRef(ctx, ref, [...at, k]);
  }
  checkNightlyImages(ctx, serve.nightlyImages, at);
  if (typeof serve.publicUrl === 'string' && !/^https?:\/\//.test(serve.publicUrl)) ctx.report('CONFIG_INVALID', [...at, 'publicUrl'], 'publicUrl must be an http(s) URL');
  for (const [k, allowed] of [['okToTest', ['per-push', 'once']], ['drafts', ['skip', 'run']]] as const) {
    const v = serve[k];
    if (typeof v === 'string' && !(allowed as readonly string[]).includes(v)) ctx.report('CONFIG_INVALID', [...at, k], `${k} must be one of ${allowed.join(', ')}`);
  }
  checkServeParts(ctx, serve, at);
}

const ROLES = new Set(['write', 'member', 'approver', 'trusted', 'author', 'anyone']);

function checkSecretRef(ctx: Parameters<DocRule['check']>[0], ref: Record<string, unknown>, path: (string | number)[]): void {
  checkFields(ctx, ref, path, { secretName: 'string', secretKey: 'string' }, ['secretName', 'secretKey']);
}

/** The nested parts of `spec.serve`: image builds, the GitHub App, notifications, retention, command roles. */
function checkServeParts(ctx: Parameters<DocRule['check']>[0], serve: Record<string, unknown>, at: string[]): void {
  if (isMap(serve.images)) checkFields(ctx, serve.images, [...at, 'images'], { dir: 'string', tagPattern: 'string', registry: 'string', pipeline: 'string' });
  if (isMap(serve.githubApp)) {
    checkFields(ctx, serve.githubApp, [...at, 'githubApp'], { appId: 'number', privateKeySecret: 'map', installationId: 'number' }, ['appId', 'privateKeySecret']);
    if (isMap(serve.githubApp.privateKeySecret)) checkSecretRef(ctx, serve.githubApp.privateKeySecret, [...at, 'githubApp', 'privateKeySecret']);
  }
  if (isMap(serve.notify)) {
    checkFields(ctx, serve.notify, [...at, 'notify'], { githubIssue: 'map', slackWebhookSecret: 'map' });
    if (isMap(serve.notify.githubIssue)) checkFields(ctx, serve.notify.githubIssue, [...at, 'notify', 'githubIssue'], { repository: 'string', labels: 'list' }, ['repository']);
    if (isMap(serve.notify.slackWebhookSecret)) checkSecretRef(ctx, serve.notify.slackWebhookSecret, [...at, 'notify', 'slackWebhookSecret']);
  }
  if (isMap(serve.retention)) checkFields(ctx, serve.retention, [...at, 'retention'], { maxAgeDays: 'number', maxRunsPerJob: 'number', bucket: 'string', intervalMinutes: 'number' });
  if (isMap(serve.commands)) {
    for (const [name, roles] of Object.entries(serve.commands)) {
      if (!Array.isArray(roles)) ctx.report('CONFIG_INVALID', [...at, 'commands', name], `commands.${name} must be a list of roles`);
      else for (const [r, i] of roles.map((x, j) => [x, j] as const)) if (!ROLES.has(String(r))) ctx.report('CONFIG_INVALID', [...at, 'commands', name, i], `unknown role ${String(r)}`, { hint: [...ROLES].join(', ') });
    }
  }
  for (const [r, i] of (Array.isArray(serve.defaultRoles) ? serve.defaultRoles : []).map((x, j) => [x, j] as const)) {
    if (!ROLES.has(String(r))) ctx.report('CONFIG_INVALID', [...at, 'defaultRoles', i], `unknown role ${String(r)}`, { hint: [...ROLES].join(', ') });
  }
}

export const CONFIG_RULES: readonly DocRule[] = [clusterConfigRule, releaseConfigRule];
