import { checkIndex } from './check.js';
import { loadRepoConfig } from '../config.js';
import type { Finding } from './finding.js';
import { sortFindings } from './finding.js';
import { globToRegExp } from '../yaml/glob.js';
import { loadRepository } from '../yaml/load.js';
import type { RepoIndex } from '../yaml/repo-index.js';

export interface CheckRepositoryOptions {
  /** Files or directories to report on (default: the whole repository). */
  paths?: readonly string[];
  /** Profiles on for every file, in addition to the config's. */
  profiles?: readonly string[];
  /** Parsing threads (see LoadOptions.workers). */
  workers?: number;
  /** The parse cache file (see LoadOptions.cacheFile); none by default. */
  cacheFile?: string;
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
  const findings = checkIndex(index, {
    profiles: opts.profiles ?? [],
    severities: config.check.severity,
    onlyFiles: selected,
    extraFiles,
    fileProfiles: (file) => globs.filter(([g]) => g.test(file)).flatMap(([, p]) => p),
  });
  return { findings: sortFindings([...configFindings, ...loadFindings, ...findings]), index, filesChecked: selected.size };
}
