import type { NodePath } from '../finding.js';
import type { DocContext, DocRule } from '../rule.js';
import { isMap, mapsOf } from '../values.js';
import { releaseConfigRule } from './release-config-rules.js';

type Field = 'string' | 'boolean' | 'number' | 'list' | 'map';

function typeOk(v: unknown, t: Field): boolean {
  switch (t) {
    case 'string':
      return typeof v === 'string' && v !== '';
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'list':
      return Array.isArray(v);
    case 'map':
      return isMap(v);
  }
}

/** Checks known fields' types and reports unknown fields (a typo must not be silently ignored). */
function fields(ctx: DocContext, obj: Record<string, unknown>, path: NodePath, known: Record<string, Field>, required: readonly string[] = []): void {
  for (const r of required) if (obj[r] === undefined) ctx.report('CONFIG_INVALID', path, `missing field ${r}`, { key: true });
  for (const [k, v] of Object.entries(obj)) {
    const t = known[k];
    if (!t) ctx.report('CONFIG_INVALID', [...path, k], `unknown field ${k}`, { key: true, hint: `known fields: ${Object.keys(known).join(', ')}` });
    else if (!typeOk(v, t)) ctx.report('CONFIG_INVALID', [...path, k], `${k} must be ${t === 'list' ? 'a list' : t === 'map' ? 'a map' : `a ${t === 'number' ? 'non-negative number' : `non-empty ${t}`}`}`);
  }
}

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
    fields(
      ctx,
      spec,
      ['spec'],
      { context: 'string', inCluster: 'boolean', stateNamespace: 'string', sources: 'list', healthChecks: 'list', postDeployTests: 'list', prune: 'map', schedule: 'string', historyLimit: 'number', leaseSeconds: 'number', notify: 'map' },
      ['sources'],
    );
    if (spec.context === undefined && spec.inCluster !== true) ctx.report('CONFIG_INVALID', ['spec'], 'a Cluster needs a kube context or inCluster: true', { key: true });
    if (spec.context !== undefined && spec.inCluster === true) ctx.report('CONFIG_INVALID', ['spec', 'inCluster'], 'context and inCluster: true exclude each other', { key: true });
    if (Array.isArray(spec.sources) && spec.sources.length === 0) ctx.report('CONFIG_INVALID', ['spec', 'sources'], 'sources is empty: a deploy of nothing would prune everything', { hint: 'list the repository paths that deploy to this cluster' });
    for (const [s, i] of mapsOf(spec.sources)) {
      fields(ctx, s, ['spec', 'sources', i], { path: 'string', namespace: 'string', versions: 'string', excludeKinds: 'list' }, ['path']);
      if (s.versions !== undefined && s.versions !== 'all' && s.versions !== 'latest') ctx.report('CONFIG_INVALID', ['spec', 'sources', i, 'versions'], 'versions must be all or latest');
      if (typeof s.path === 'string' && (s.path.startsWith('/') || s.path.split('/').includes('..'))) ctx.report('CONFIG_INVALID', ['spec', 'sources', i, 'path'], 'path must stay inside the repository');
    }
    for (const [h, i] of mapsOf(spec.healthChecks)) fields(ctx, h, ['spec', 'healthChecks', i], { kind: 'string', name: 'string', namespace: 'string', timeoutSeconds: 'number' }, ['kind', 'name']);
    for (const [t, i] of mapsOf(spec.postDeployTests)) {
      fields(ctx, t, ['spec', 'postDeployTests', i], { name: 'string', type: 'string', file: 'string', timeoutSeconds: 'number' }, ['name', 'type']);
      if (typeof t.type === 'string' && !TEST_TYPES.has(t.type)) ctx.report('CONFIG_INVALID', ['spec', 'postDeployTests', i, 'type'], `unknown test type ${t.type}`, { hint: [...TEST_TYPES].join(', ') });
      if ((t.type === 'dryRunFile' || t.type === 'pipelineRun') && t.file === undefined) ctx.report('CONFIG_INVALID', ['spec', 'postDeployTests', i], `a ${t.type} test needs a file`, { key: true });
    }
    if (isMap(spec.prune)) fields(ctx, spec.prune, ['spec', 'prune'], { enabled: 'boolean', allowNamespaces: 'boolean', allowCRDs: 'boolean', allowPVCs: 'boolean' });
    if (isMap(spec.notify)) {
      fields(ctx, spec.notify, ['spec', 'notify'], { webhook: 'string', githubIssue: 'map', githubStatus: 'map' });
      if (typeof spec.notify.webhook === 'string' && !/^https?:\/\//.test(spec.notify.webhook)) ctx.report('CONFIG_INVALID', ['spec', 'notify', 'webhook'], 'webhook must be an http(s) URL');
    }
    if (typeof spec.schedule === 'string' && spec.schedule.trim().split(/\s+/).length !== 5 && !spec.schedule.startsWith('@')) {
      ctx.report('CONFIG_INVALID', ['spec', 'schedule'], `schedule must have 5 fields, found ${spec.schedule.trim().split(/\s+/).length}`);
    }
  },
};

export const CONFIG_RULES: readonly DocRule[] = [clusterConfigRule, releaseConfigRule];
