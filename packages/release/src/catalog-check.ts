import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMap, loadRepository, mapsOf, referencesOf } from '@plumbing/model';
import type { Git } from '@plumbing/git';

export interface CatalogCheck {
  /** Whether the release pipeline is in the repository at the commit. */
  pipelineFound: boolean;
  pipelineFile: string | undefined;
  /** "Task git-clone", "Task foo (hub version 0.3)": references that do not resolve at the commit. */
  missing: string[];
  /** Param defaults of the pipeline (to compare bucket and registry with the config). */
  paramDefaults: Record<string, string>;
  /** The params and workspaces the pipeline declares (a PipelineRun binds only those). */
  params: string[];
  workspaces: string[];
}

/**
 * Loads the repository as it was at `sha` (git archive into a temp dir) and checks that every
 * Task and Pipeline the release pipeline references is in the catalog at that commit, including
 * hub/git resolver references by name and version (tasks/<name>/<version>/).
 */
export async function checkReleasePipeline(git: Git, sha: string, pipeline: string): Promise<CatalogCheck> {
  const dir = await mkdtemp(join(tmpdir(), 'plumbing-release-tree-'));
  try {
    await git.archive(sha, dir);
    const { index } = await loadRepository(dir);
    const doc = index.all('Pipeline', pipeline)[0];
    if (!doc) return { pipelineFound: false, pipelineFile: undefined, missing: [], paramDefaults: {}, params: [], workspaces: [] };
    const missing = referencesOf(doc, index)
      .filter((r) => (r.kind === 'Task' || r.kind === 'Pipeline' || r.kind === 'StepAction') && r.target === undefined)
      .map((r) => `${r.kind} ${r.name}`);
    const spec = isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : {};
    for (const list of ['tasks', 'finally'] as const) {
      for (const [pt] of mapsOf(spec[list])) {
        const ref = isMap(pt.taskRef) ? pt.taskRef : undefined;
        if (!ref || (ref.resolver !== 'hub' && ref.resolver !== 'git')) continue;
        const params = Object.fromEntries(mapsOf(ref.params).map(([p]) => [String(p.name), typeof p.value === 'string' ? p.value : '']));
        const name = params.name;
        const version = params.version;
        if (ref.resolver === 'hub' && name && version && !index.all('Task', name).some((d) => d.file.startsWith(`tasks/${name}/${version}/`))) missing.push(`Task ${name} version ${version}`);
        const path = params.pathInRepo;
        if (ref.resolver === 'git' && path && !params.url && !index.files.some((f) => f.file === path)) missing.push(`Task file ${path}`);
      }
    }
    const paramDefaults: Record<string, string> = {};
    for (const [p] of mapsOf(spec.params)) if (typeof p.name === 'string' && typeof p.default === 'string') paramDefaults[p.name] = p.default;
    const names = (v: unknown) => mapsOf(v).flatMap(([x]) => (typeof x.name === 'string' ? [x.name] : []));
    return { pipelineFound: true, pipelineFile: doc.file, missing: [...new Set(missing)], paramDefaults, params: names(spec.params), workspaces: names(spec.workspaces) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
