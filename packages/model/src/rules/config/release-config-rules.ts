import type { DocContext, DocRule } from '../../check/rule.js';
import type { ResourceDoc } from '../../yaml/source.js';
import { isMap, mapsOf } from '../../yaml/values.js';
import { checkFields, type Field } from './config-fields.js';
import { checkPostReleaseTests } from './periodic-config.js';


const SPEC_FIELDS: Record<string, Field> = {
  project: 'string',
  pipeline: 'string',
  bucket: 'string',
  imageRegistry: 'string',
  repository: 'string',
  remote: 'string',
  defaultBranch: 'string',
  releaseBranches: 'string',
  targets: 'list',
  nightly: 'map',
  notes: 'string',
  artifacts: 'list',
  failureLabels: 'list',
  requiredChecks: 'list',
  postReleaseTests: 'list',
};
const REQUIRED = ['project', 'pipeline', 'bucket', 'imageRegistry', 'repository', 'releaseBranches'];

function cronFieldCount(s: string): number {
  return s.trim().split(/\s+/).length;
}

const inside = (p: string) => !p.startsWith('/') && !p.split('/').includes('..');

/** `plumbing.dev/v1alpha1 Release`: a project's release config in releases/<project>.yaml. */
export const releaseConfigRule: DocRule = {
  id: 'config-release',
  kinds: ['Release'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('CONFIG_INVALID', ['spec'], 'a Release needs a spec', { key: true });
      return;
    }
    checkFields(ctx, spec, ['spec'], SPEC_FIELDS, REQUIRED);
    const base = ctx.doc.file.split('/').pop()?.replace(/\.ya?ml$/, '');
    if (typeof spec.project === 'string') {
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(spec.project)) ctx.report('CONFIG_INVALID', ['spec', 'project'], 'project must be a lowercase name (letters, digits, -)');
      else if (ctx.doc.file.startsWith('releases/') && base !== spec.project) ctx.report('CONFIG_INVALID', ['spec', 'project'], `project ${spec.project} does not match the file name ${base}`, { hint: `rename the file to releases/${spec.project}.yaml` });
    }
    if (typeof spec.bucket === 'string' && !/^(file|s3|gs):\/\/[^\s]+$/.test(spec.bucket)) ctx.report('CONFIG_INVALID', ['spec', 'bucket'], 'bucket must be a file://, s3:// or gs:// URL');
    if (typeof spec.repository === 'string' && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(spec.repository)) ctx.report('CONFIG_INVALID', ['spec', 'repository'], 'repository must be owner/name');
    if (typeof spec.imageRegistry === 'string' && (/^[a-z]+:\/\//.test(spec.imageRegistry) || spec.imageRegistry.endsWith('/'))) ctx.report('CONFIG_INVALID', ['spec', 'imageRegistry'], 'imageRegistry is a registry path such as ghcr.io/org, without a scheme or a trailing /');
    if (typeof spec.releaseBranches === 'string' && (spec.releaseBranches.split('*').length !== 2 || /\s/.test(spec.releaseBranches))) {
      ctx.report('CONFIG_INVALID', ['spec', 'releaseBranches'], 'releaseBranches must contain exactly one * (the line, e.g. release-v* → release-v0.3.x)');
    }
    for (const [t, i] of mapsOf(spec.targets)) {
      checkFields(ctx, t, ['spec', 'targets', i], { name: 'string', context: 'string', inCluster: 'boolean', namespace: 'string' }, ['name']);
      if (t.context === undefined && t.inCluster !== true) ctx.report('CONFIG_INVALID', ['spec', 'targets', i], 'a target needs a kube context or inCluster: true', { key: true });
    }
    if (isMap(spec.nightly)) {
      checkFields(ctx, spec.nightly, ['spec', 'nightly'], { schedule: 'string', version: 'string', branch: 'string' }, ['schedule']);
      const s = spec.nightly.schedule;
      if (typeof s === 'string' && !s.startsWith('@') && cronFieldCount(s) !== 5) ctx.report('CONFIG_INVALID', ['spec', 'nightly', 'schedule'], `schedule must have 5 fields, found ${cronFieldCount(s)}`);
      const v = spec.nightly.version;
      if (typeof v === 'string') {
        if (!v.includes('{date}') || !(v.includes('{sha7}') || v.includes('{sha}'))) ctx.report('CONFIG_INVALID', ['spec', 'nightly', 'version'], 'a nightly version must contain {date} (to sort) and {sha7} or {sha} (to name the commit)');
        const unknown = [...v.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((n) => !['next', 'date', 'time', 'sha7', 'sha'].includes(n ?? ''));
        if (unknown.length > 0) ctx.report('CONFIG_INVALID', ['spec', 'nightly', 'version'], `unknown placeholder {${unknown[0]}}`, { hint: 'placeholders: {next} {date} {time} {sha7} {sha}' });
      }
    }
    if (typeof spec.notes === 'string' && !inside(spec.notes)) ctx.report('CONFIG_INVALID', ['spec', 'notes'], 'notes must be a path inside the repository');
    const names = new Set<string>();
    for (const [a, i] of mapsOf(spec.artifacts)) {
      checkFields(ctx, a, ['spec', 'artifacts', i], { name: 'string', paths: 'list' }, ['name']);
      if (typeof a.name === 'string') {
        if (names.has(a.name)) ctx.report('CONFIG_INVALID', ['spec', 'artifacts', i, 'name'], `duplicate artifact ${a.name} (asset names are unique per release)`);
        if (!/^[A-Za-z0-9._+*-]+$/.test(a.name)) ctx.report('CONFIG_INVALID', ['spec', 'artifacts', i, 'name'], 'artifact names use only A-Z a-z 0-9 . _ + - (GitHub renames other characters), and * in a pattern');
        else if (a.name.split('*').length > 2) ctx.report('CONFIG_INVALID', ['spec', 'artifacts', i, 'name'], 'an artifact pattern holds at most one *');
        else if (a.name.includes('*') && a.paths !== undefined) ctx.report('CONFIG_INVALID', ['spec', 'artifacts', i, 'name'], 'a pattern (*) names build outputs of the release pipeline; an artifact with paths has one exact name', { hint: 'remove paths (the pipeline builds it) or name the file exactly' });
        names.add(a.name);
      }
      if (Array.isArray(a.paths)) a.paths.forEach((p, j) => {
        if (typeof p !== 'string' || !inside(p)) ctx.report('CONFIG_INVALID', ['spec', 'artifacts', i, 'paths', j], 'each path must be a string inside the repository');
      });
    }
    checkPostReleaseTests(ctx, spec.postReleaseTests);
    checkSchedules(ctx, spec);
  },
};

/** The nightly CronJobs (`plumbing release nightly`) of this project must run on the config's schedule. */
function checkSchedules(ctx: DocContext, spec: Record<string, unknown>): void {
  const schedule = isMap(spec.nightly) && typeof spec.nightly.schedule === 'string' ? spec.nightly.schedule : undefined;
  const project = typeof spec.project === 'string' ? spec.project : undefined;
  if (!project) return;
  const onlyOne = ctx.index.ofKind('Release').length === 1;
  for (const job of ctx.index.ofKind('CronJob')) {
    const found = nightlyJob(job);
    if (!found) continue;
    if (found.project === undefined ? !onlyOne : found.project !== project) continue;
    const jobSchedule = isMap(job.value) && isMap(job.value.spec) ? job.value.spec.schedule : undefined;
    if (schedule === undefined) {
      ctx.reportAt(job, 'CONFIG_INVALID', ['spec', 'schedule'], `CronJob ${job.name} runs the nightly release of ${project}, but ${ctx.doc.file} has no nightly.schedule`, { hint: `add spec.nightly.schedule: "${String(jobSchedule)}" to ${ctx.doc.file}` });
    } else if (typeof jobSchedule === 'string' && jobSchedule.trim().replace(/\s+/g, ' ') !== schedule.trim().replace(/\s+/g, ' ')) {
      ctx.reportAt(job, 'CONFIG_INVALID', ['spec', 'schedule'], `RELEASE_SCHEDULE_MISMATCH: CronJob ${job.name} runs on "${jobSchedule}" but ${ctx.doc.file} says nightly.schedule "${schedule}"`, {
        hint: `the release config is the source: set this schedule to "${schedule}"`,
      });
    }
  }
}

/** When a CronJob runs `plumbing release nightly`, the project it names (undefined: the default one). */
export function nightlyJob(job: ResourceDoc): { project: string | undefined } | undefined {
  const v = job.value;
  if (!isMap(v) || !isMap(v.spec)) return undefined;
  const jt = v.spec.jobTemplate;
  const pod = isMap(jt) && isMap(jt.spec) && isMap(jt.spec.template) && isMap(jt.spec.template.spec) ? jt.spec.template.spec : undefined;
  if (!pod) return undefined;
  for (const [c] of mapsOf(pod.containers)) {
    const words = [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].map(String);
    const at = words.indexOf('release');
    if (at < 0 || words[at + 1] !== 'nightly') continue;
    const p = words.indexOf('--project');
    const eq = words.find((w) => w.startsWith('--project='));
    return { project: p >= 0 ? words[p + 1] : eq?.slice('--project='.length) };
  }
  return undefined;
}
