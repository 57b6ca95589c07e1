import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkIndex, isMap, loadYaml, PlumbingError, RepoIndex, UsageError } from '@plumbing/model';

export interface ReleaseTargetConfig {
  name: string;
  context?: string;
  inCluster: boolean;
  namespace: string;
}

/**
 * A configured artifact. `paths` undefined: a build output of the release pipeline (its
 * `release/` directory; `name` may be a pattern with one `*`). `paths` set: built by the tool
 * from the YAML files under them at the commit (local backend only).
 */
export interface ReleaseArtifactConfig {
  name: string;
  paths?: string[] | undefined;
}

/** A project's release config, with defaults applied (releases/<project>.yaml). */
export interface ReleaseProjectConfig {
  file: string;
  project: string;
  pipeline: string;
  bucket: string;
  imageRegistry: string;
  owner: string;
  repo: string;
  remote: string;
  defaultBranch: string;
  releaseBranches: string;
  targets: ReleaseTargetConfig[];
  nightly: { schedule: string | undefined; version: string; branch: string };
  notes: string | undefined;
  artifacts: ReleaseArtifactConfig[];
  failureLabels: string[];
  requiredChecks: string[] | undefined;
}

export const RELEASES_DIR = 'releases';
export const DEFAULT_NIGHTLY_VERSION = 'v{next}-nightly.{date}+{sha7}';

/** Projects with a config under releases/. */
export function listReleaseProjects(root: string): string[] {
  const dir = join(root, RELEASES_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/**
 * Loads and validates releases/<project>.yaml (the same rules as `plumbing check`). Without a
 * project, the only config there is; more than one is a usage error that lists them.
 */
export function loadReleaseConfig(root: string, project?: string): ReleaseProjectConfig {
  const projects = listReleaseProjects(root);
  let name = project;
  if (name === undefined) {
    if (projects.length === 0) throw new PlumbingError('RELEASE_CONFIG', `no release config under ${RELEASES_DIR}/`, { hint: `add ${RELEASES_DIR}/<project>.yaml (kind: Release); see docs/release.md` });
    if (projects.length > 1) throw new UsageError(`more than one project can be released: ${projects.join(', ')}`, 'pass --project NAME');
    name = projects[0]!;
  }
  const rel = [`${RELEASES_DIR}/${name}.yaml`, `${RELEASES_DIR}/${name}.yml`].find((f) => existsSync(join(root, f)));
  if (!rel) throw new UsageError(`no release config for project ${name}`, projects.length ? `known projects: ${projects.join(', ')}` : `add ${RELEASES_DIR}/${name}.yaml`);
  const src = loadYaml(rel, readFileSync(join(root, rel), 'utf8'));
  const errors = [...src.findings, ...checkIndex(new RepoIndex([src]))].filter((f) => f.severity === 'error');
  const doc = src.docs.find((d) => d.kind === 'Release');
  if (!doc || errors.length > 0 || !isMap(doc.value) || !isMap(doc.value.spec)) {
    const lines = errors.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`);
    throw new PlumbingError('RELEASE_CONFIG', `invalid release config ${rel}${lines.length ? `:\n  ${lines.join('\n  ')}` : ': no kind: Release document'}`, { hint: `fix ${rel}; plumbing check ${rel} shows every finding` });
  }
  return normalize(rel, doc.value.spec);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strs = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

export function normalize(file: string, s: Record<string, unknown>): ReleaseProjectConfig {
  const [owner = '', repo = ''] = String(s.repository).split('/');
  const defaultBranch = str(s.defaultBranch) ?? 'main';
  const nightly = isMap(s.nightly) ? s.nightly : {};
  return {
    file,
    project: String(s.project),
    pipeline: String(s.pipeline),
    bucket: String(s.bucket),
    imageRegistry: String(s.imageRegistry),
    owner,
    repo,
    remote: str(s.remote) ?? 'origin',
    defaultBranch,
    releaseBranches: String(s.releaseBranches),
    targets: (Array.isArray(s.targets) ? s.targets : []).filter(isMap).map((t) => ({
      name: String(t.name),
      ...(str(t.context) ? { context: str(t.context)! } : {}),
      inCluster: t.inCluster === true,
      namespace: str(t.namespace) ?? 'tekton-ci',
    })),
    nightly: { schedule: str(nightly.schedule), version: str(nightly.version) ?? DEFAULT_NIGHTLY_VERSION, branch: str(nightly.branch) ?? defaultBranch },
    notes: str(s.notes),
    artifacts: (Array.isArray(s.artifacts) ? s.artifacts : []).filter(isMap).map((a) => (Array.isArray(a.paths) ? { name: String(a.name), paths: strs(a.paths) ?? [] } : { name: String(a.name) })),
    failureLabels: strs(s.failureLabels) ?? ['release-failure'],
    requiredChecks: strs(s.requiredChecks),
  };
}
