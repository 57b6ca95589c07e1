/**
 * The config of the two periodic jobs `plumbing serve` runs besides deploys and nightly releases
 * (docs/serve.md, "Periodic jobs"): `spec.serve.nightlyImages` of a Cluster (the nightly build of
 * each image under images/) and `spec.postReleaseTests` of a Release (a pipeline run against the
 * published artifacts after each release).
 */
import type { DocContext } from '../../check/rule.js';
import { isMap, mapsOf } from '../../yaml/values.js';
import { checkFields } from './config-fields.js';

/** Placeholders a post-release test's param values may use (filled from the release just made). */
export const POST_RELEASE_PLACEHOLDERS = ['version', 'commit', 'project', 'bucket', 'bucketPrefix', 'imageRegistry', 'repository'] as const;

const cronFields = (s: string) => s.trim().split(/\s+/).length;

/** `spec.serve.nightlyImages`: schedule, registry, repository required; revision and tag optional. */
export function checkNightlyImages(ctx: DocContext, v: unknown, at: readonly (string | number)[]): void {
  if (!isMap(v)) return;
  const path = [...at, 'nightlyImages'];
  checkFields(ctx, v, path, { schedule: 'string', registry: 'string', repository: 'string', revision: 'string', tag: 'string' }, ['schedule', 'registry', 'repository']);
  if (typeof v.schedule === 'string' && cronFields(v.schedule) !== 5) ctx.report('CONFIG_INVALID', [...path, 'schedule'], `schedule must have 5 fields, found ${cronFields(v.schedule)}`);
  if (typeof v.registry === 'string' && (/^[a-z]+:\/\//.test(v.registry) || v.registry.endsWith('/'))) ctx.report('CONFIG_INVALID', [...path, 'registry'], 'registry is a path such as ghcr.io/org, without a scheme or a trailing /');
  if (typeof v.repository === 'string' && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(v.repository)) ctx.report('CONFIG_INVALID', [...path, 'repository'], 'repository must be owner/name');
  if (typeof v.tag === 'string' && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v.tag)) ctx.report('CONFIG_INVALID', [...path, 'tag'], 'tag must be a valid image tag (letters, digits, _ . -; at most 128)');
}

/** `spec.postReleaseTests` of a Release: [{name, pipeline, params: {name: value with {placeholders}}}]. */
export function checkPostReleaseTests(ctx: DocContext, list: unknown): void {
  const names = new Set<string>();
  for (const [t, i] of mapsOf(list)) {
    const path = ['spec', 'postReleaseTests', i];
    checkFields(ctx, t, path, { name: 'string', pipeline: 'string', params: 'map' }, ['name', 'pipeline']);
    if (typeof t.name === 'string') {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(t.name)) ctx.report('CONFIG_INVALID', [...path, 'name'], 'a post-release test name is lowercase letters, digits and -');
      else if (names.has(t.name)) ctx.report('CONFIG_INVALID', [...path, 'name'], `duplicate post-release test ${t.name}`);
      names.add(t.name);
    }
    if (!isMap(t.params)) continue;
    for (const [k, value] of Object.entries(t.params)) {
      if (typeof value !== 'string') {
        ctx.report('CONFIG_INVALID', [...path, 'params', k], `param ${k} must be a string`);
        continue;
      }
      const unknown = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '').filter((p) => !(POST_RELEASE_PLACEHOLDERS as readonly string[]).includes(p));
      if (unknown.length > 0) ctx.report('CONFIG_INVALID', [...path, 'params', k], `unknown placeholder {${unknown[0]}}`, { hint: `placeholders: ${POST_RELEASE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}` });
    }
  }
}
