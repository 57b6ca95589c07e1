import { checkIndex } from './check.js';
import { loadRepoConfig } from '../config.js';
import { applyFeatureGates } from './feature-gates.js';
import type { Finding } from './finding.js';
import { sortFindings } from './finding.js';
import { globToRegExp } from '../yaml/glob.js';
import { loadRepository } from '../yaml/load.js';
import type { RepoIndex } from '../yaml/repo-index.js';
import type { KustomizeBuild, KustomizeBuilder } from '../kustomize/build-result.js';
import { kustomizationDirs } from '../kustomize/real.js';

export interface CheckRepositoryOptions {
  /** Files or directories to report on (default: the whole repository). */
  paths?: readonly string[];
  /** Profiles on for every file, in addition to the config's. */
  profiles?: readonly string[];
  /** Parsing threads (see LoadOptions.workers). */
  workers?: number;
  /** The parse cache file (see LoadOptions.cacheFile); none by default. */
  cacheFile?: string;
  /**
   * Renders kustomizations with a real kustomize (the CLI passes @plumbing/kustomize's). Without
   * one, the built-in approximation renders them, silently (library callers: deploy, run).
   */
  kustomize?: KustomizeBuilder;
}

export interface CheckRepositoryResult {
  findings: Finding[];
  index: RepoIndex;
  filesChecked: number;
}

/** Loads `.plumbing.yaml` and the repository at `root`, and checks the selected files. */
export async function checkRepository(root: string, opts: CheckRepositoryOptions = {}): Promise<CheckRepositoryResult> {
  const { config, findings: configFindings } = loadRepoConfig(root);
  const { index, selected, findings: loadFindings, extraFiles } = await loadRepository(root, opts.paths ?? [], {
    exclude: config.check.exclude,
    ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    ...(opts.cacheFile === undefined ? {} : { cacheFile: opts.cacheFile }),
  });
  const globs = Object.entries(config.check.profiles).map(([g, p]) => [globToRegExp(g), p] as const);
  // with feature flags configured (.plumbing.yaml run), gated fields they do not enable are errors, as in `plumbing run`
  const kustomize = await kustomizeOptions(index, opts.kustomize);
  const checked = checkIndex(index, {
    ...kustomize,
    profiles: opts.profiles ?? [],
    severities: config.check.severity,
    onlyFiles: selected,
    extraFiles,
    fileProfiles: (file) => globs.filter(([g]) => g.test(file)).flatMap(([, p]) => p),
  });
  const findings = applyFeatureGates(checked, config.run);
  return { findings: capFindings(sortFindings([...configFindings, ...loadFindings, ...findings])), index, filesChecked: selected.size };
}

/** The real kustomize's renders of the index's kustomizations, or why the approximation renders them. */
async function kustomizeOptions(index: RepoIndex, builder: KustomizeBuilder | undefined): Promise<{ kustomizeBuilds?: ReadonlyMap<string, KustomizeBuild>; kustomizeApproximated?: string }> {
  const dirs = builder ? kustomizationDirs(index.files) : [];
  if (!builder || dirs.length === 0) return {};
  const r = await builder(dirs);
  return 'builds' in r ? { kustomizeBuilds: r.builds } : { kustomizeApproximated: r.unavailable };
}

/** Findings of one code in one file past this many are summarised by one finding. */
export const MAX_FINDINGS_PER_CODE_AND_FILE = 100;

/**
 * Keeps output proportionate to the mistake: after MAX_FINDINGS_PER_CODE_AND_FILE findings of
 * one code in one file, the rest become one finding of that code and severity that says how
 * many were left out. Input sorted; output sorted.
 */
export function capFindings(findings: readonly Finding[], max = MAX_FINDINGS_PER_CODE_AND_FILE): Finding[] {
  const counts = new Map<string, number>();
  const out: Finding[] = [];
  const omitted = new Map<string, { first: Finding; count: number }>();
  for (const f of findings) {
    const key = `${f.file}\u0000${f.code}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (n <= max) out.push(f);
    else {
      const o = omitted.get(key);
      if (o) o.count++;
      else omitted.set(key, { first: f, count: 1 });
    }
  }
  for (const { first, count } of omitted.values()) {
    const { path: _path, hint: _hint, ...rest } = first;
    out.push({ ...rest, message: `${count} more ${first.code} findings in this file are not shown (first at line ${first.line})` });
  }
  return sortFindings(out);
}
