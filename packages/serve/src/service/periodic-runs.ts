/**
 * The two periodic jobs that start pipeline runs (docs/serve.md, "Periodic jobs"): the nightly
 * build of each image under `images/` (one job per image, `spec.serve.nightlyImages` of the
 * cluster, through `pipelines/image-build`), and the post-release tests of a Release
 * (`spec.postReleaseTests` of `releases/<project>.yaml`), started after each release without
 * waiting for them. Both are ordinary runs of the store: queued, run by the runner's backend
 * (embedded or cluster), with their TaskRuns, logs and statuses like any other run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduledJob } from '@plumbing/deploy';
import { generateName } from '@plumbing/executor';
import { isMap, type JsonMap, loadYaml } from '@plumbing/model';
import { FINAL_STATES, type RunKind, type RunRow } from '../store/store.js';
import type { Core } from './core.js';
import { clusterSpec } from './config.js';

export interface NightlyImages {
  schedule: string;
  registry: string;
  repository: string;
  revision: string;
  tag: string;
}

/** `spec.serve.nightlyImages` of a cluster spec (validated by plumbing check), or undefined. */
export function nightlyImagesOf(clusterSpec: JsonMap | undefined): NightlyImages | undefined {
  const v = clusterSpec && isMap(clusterSpec.serve) && isMap(clusterSpec.serve.nightlyImages) ? clusterSpec.serve.nightlyImages : undefined;
  if (!v || typeof v.schedule !== 'string' || typeof v.registry !== 'string' || typeof v.repository !== 'string') return undefined;
  return { schedule: v.schedule, registry: v.registry, repository: v.repository, revision: typeof v.revision === 'string' ? v.revision : 'main', tag: typeof v.tag === 'string' ? v.tag : 'nightly' };
}

/** The namespace the cluster deploys `pipelines/` to (where image-build lives), else `default`. */
export function pipelinesNamespace(clusterSpec: JsonMap | undefined): string {
  const sources = clusterSpec && Array.isArray(clusterSpec.sources) ? clusterSpec.sources.filter(isMap) : [];
  const ns = sources.find((s) => s.path === 'pipelines')?.namespace;
  return typeof ns === 'string' ? ns : 'default';
}

/** Directories under `images/` with a Dockerfile, sorted. */
export function imageDirs(root: string): string[] {
  const dir = join(root, 'images');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'Dockerfile')))
    .map((d) => d.name)
    .sort();
}

/** The image-build PipelineRun of one image directory. */
export function imageBuildRun(dir: string, cfg: NightlyImages, name: string, namespace: string, githubTokenSecret: string): JsonMap {
  const params: Record<string, string> = {
    'repo-url': `https://github.com/${cfg.repository}.git`,
    revision: cfg.revision,
    'repo-full-name': cfg.repository,
    'pull-request-number': '',
    context: `images/${dir}`,
    image: `${cfg.registry}/${dir}:${cfg.tag}`,
  };
  return {
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: { name, namespace, labels: { 'plumbing.dev/image': dir }, annotations: { 'plumbing.dev/kind': 'periodic', 'plumbing.dev/repository': cfg.repository } },
    spec: {
      pipelineRef: { name: 'image-build' },
      params: Object.entries(params).map(([n, value]) => ({ name: n, value })),
      workspaces: [
        { name: 'source', volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } },
        { name: 'github-token', secret: { secretName: githubTokenSecret } },
      ],
    },
  };
}

interface NewRun {
  kind: RunKind;
  job: string;
  repository: string | null;
  sha: string | null;
  message: string;
  resource: (name: string) => JsonMap;
  prefix: string;
}

/** Stores a run and hands it to the queue; resolves with its name (the name is new: retried on a clash). */
async function enqueue(core: Core, n: NewRun, onStored?: (name: string) => void): Promise<string> {
  for (;;) {
    const name = generateName(n.prefix);
    const resource = n.resource(name);
    const meta = isMap(resource.metadata) ? resource.metadata : {};
    const row: RunRow = {
      name, namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default', kind: n.kind, resourceKind: 'PipelineRun', job: n.job, repository: n.repository, pullRequest: null,
      sha: n.sha, event: 'schedule', deliveryId: null, actor: 'scheduler', triggerName: null, supersedeKey: null, private: false, state: 'queued', reason: 'Pending', message: n.message,
      created: new Date().toISOString(), started: null, finished: null, owner: null, recordDir: null, resource, status: null,
    };
    if (!(await core.store.insertRun(row))) continue;
    onStored?.(name);
    await core.submit(row);
    return name;
  }
}

/** Resolves with the run once it is final (listens before the run can end). */
function ended(core: Core, ready: Promise<string>): Promise<RunRow> {
  return new Promise((resolve) => {
    let name: string | undefined;
    const early: RunRow[] = [];
    const on = (r: RunRow) => {
      if (!FINAL_STATES.includes(r.state)) return;
      if (name === undefined) early.push(r);
      else if (r.name === name) done(r);
    };
    const done = (r: RunRow) => {
      core.events.off('run', on);
      resolve(r);
    };
    core.events.on('run', on);
    void ready.then((n) => {
      name = n;
      const e = early.find((r) => r.name === n);
      if (e) done(e);
    });
  });
}

/** One scheduled job per image directory: each tick queues its image-build run and waits for its end (a failed build fails the tick). */
export function nightlyImageJobs(core: Core, root: string, clusterSpec: JsonMap | undefined): ScheduledJob[] {
  const cfg = nightlyImagesOf(clusterSpec);
  if (!cfg) return [];
  const ns = pipelinesNamespace(clusterSpec);
  const secret = core.opts.settings.githubToken?.name ?? 'github-status-token';
  return imageDirs(root).map((dir) => ({
    name: `nightly-image/${dir}`,
    schedule: cfg.schedule,
    timezone: 'Etc/UTC',
    async run(): Promise<string> {
      let stored!: (n: string) => void;
      const ready = new Promise<string>((r) => {
        stored = r;
      });
      const end = ended(core, ready);
      const job = { kind: 'periodic' as const, job: `nightly-image/${dir}`, repository: cfg.repository, sha: null, prefix: `image-build-${dir}-`, message: `nightly build of images/${dir}` };
      await enqueue(core, { ...job, resource: (name) => imageBuildRun(dir, cfg, name, ns, secret) }, stored);
      const r = await end;
      const text = `${cfg.registry}/${dir}:${cfg.tag} from ${cfg.revision}: run ${r.name} ${r.state}${r.reason ? ` (${r.reason})` : ''}`;
      if (r.state !== 'succeeded') throw new Error(text);
      return text;
    },
  }));
}

export interface Released {
  project: string;
  version: string;
  commit: string;
  bucketPrefix: string;
}

/** `{placeholder}` → value, for a post-release test's params (the placeholders check allows). */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (m, k: string) => values[k] ?? m);
}

/** Queues the release's post-release tests (not awaited by the release); returns their run names. */
export async function startPostReleaseTests(core: Core, root: string, r: Released, namespace: string): Promise<string[]> {
  const file = join(root, 'releases', `${r.project}.yaml`);
  if (!existsSync(file)) return [];
  const doc = loadYaml(`releases/${r.project}.yaml`, readFileSync(file, 'utf8')).docs.find((d) => d.kind === 'Release');
  const spec = doc && isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const values = { version: r.version, commit: r.commit, project: r.project, bucket: str(spec.bucket), bucketPrefix: r.bucketPrefix, imageRegistry: str(spec.imageRegistry), repository: str(spec.repository) };
  const names: string[] = [];
  for (const t of (Array.isArray(spec.postReleaseTests) ? spec.postReleaseTests : []).filter(isMap)) {
    if (typeof t.name !== 'string' || typeof t.pipeline !== 'string') continue;
    const params = Object.entries(isMap(t.params) ? t.params : {}).map(([name, v]) => ({ name, value: fillPlaceholders(str(v), values) }));
    const resource = (name: string): JsonMap => ({
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: { name, namespace, labels: { 'plumbing.dev/release-project': r.project, 'plumbing.dev/post-release-test': String(t.name) }, annotations: { 'plumbing.dev/kind': 'release', 'plumbing.dev/release-version': r.version } },
      spec: { pipelineRef: { name: String(t.pipeline) }, params },
    });
    names.push(await enqueue(core, { kind: 'release', job: `post-release/${r.project}/${t.name}`, repository: values.repository || null, sha: r.commit, prefix: `${r.project}-${t.name}-`, message: `post-release test ${t.name} of ${r.project} ${r.version}`, resource }));
  }
  return names;
}

/** The release jobs' `onReleased` for a running service: starts the post-release tests in the namespace of the cluster's pipelines, logging what it started. */
export function postReleaseStarter(core: Core, log: (line: string) => void): (r: Released) => void {
  const ns = pipelinesNamespace(clusterSpec(core.opts.root, core.opts.cluster));
  return (r) => {
    startPostReleaseTests(core, core.opts.root, r, ns).then(
      (names) => names.length > 0 && log(`${r.project} ${r.version}: post-release tests started: ${names.join(', ')}`),
      (e: unknown) => log(`${r.project} ${r.version}: the post-release tests could not start: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
}
