import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, SeverityOrOff } from './check/finding.js';
import { isCode } from './check/codes.js';
import { parseRunConfig, type RunConfig } from './config-run.js';
import { loadYaml, findingAt } from './yaml/source.js';
import { isMap } from './yaml/values.js';

/** The repository's `.plumbing.yaml`: settings for `plumbing check` (and later commands). */
export interface RepoConfig {
  check: {
    /** Globs (relative to the root) never checked, e.g. test fixtures that are invalid on purpose. */
    exclude: string[];
    /** Profiles always on, e.g. `catalog` for `tasks/**`. Keyed by glob: `{ "tasks/**": ["catalog"] }`. */
    profiles: Record<string, string[]>;
    severity: Record<string, SeverityOrOff>;
  };
  /** The `run` section (config-run.ts): feature flags and image configs for `plumbing run`. */
  run: RunConfig;
  /** Raw sections for other commands. */
  raw: Record<string, unknown>;
}

export const CONFIG_FILE = '.plumbing.yaml';

export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/dist/**', '**/test/fixtures/**'];

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

/** Loads `.plumbing.yaml` at `root`. Problems become findings; defaults are used for what is wrong. */
export function loadRepoConfig(root: string): { config: RepoConfig; findings: Finding[] } {
  const config: RepoConfig = { check: { exclude: [...DEFAULT_EXCLUDES], profiles: {}, severity: {} }, run: parseRunConfig(undefined, root).run, raw: {} };
  const findings: Finding[] = [];
  const path = join(root, CONFIG_FILE);
  if (!existsSync(path)) return { config, findings };
  const src = loadYaml(CONFIG_FILE, readFileSync(path, 'utf8'));
  findings.push(...src.findings);
  const doc = src.docs[0];
  if (!doc) return { config, findings };
  if (!isMap(doc.value)) {
    findings.push(findingAt(doc, [], 'CONFIG_INVALID', 'error', `${CONFIG_FILE} must be a map`));
    return { config, findings };
  }
  config.raw = doc.value;
  const run = parseRunConfig(doc, root);
  config.run = run.run;
  findings.push(...run.findings);
  const check = doc.value.check;
  if (check === undefined) return { config, findings };
  if (!isMap(check)) {
    findings.push(findingAt(doc, ['check'], 'CONFIG_INVALID', 'error', 'check must be a map'));
    return { config, findings };
  }
  if (check.exclude !== undefined) {
    if (Array.isArray(check.exclude) && check.exclude.every((e) => typeof e === 'string')) config.check.exclude.push(...(check.exclude as string[]));
    else findings.push(findingAt(doc, ['check', 'exclude'], 'CONFIG_INVALID', 'error', 'check.exclude must be a list of globs'));
  }
  if (check.profiles !== undefined) {
    if (isMap(check.profiles)) {
      for (const [glob, list] of Object.entries(check.profiles)) {
        if (Array.isArray(list) && list.every((e) => typeof e === 'string')) config.check.profiles[glob] = list as string[];
        else findings.push(findingAt(doc, ['check', 'profiles', glob], 'CONFIG_INVALID', 'error', `check.profiles["${glob}"] must be a list of profile names`));
      }
    } else findings.push(findingAt(doc, ['check', 'profiles'], 'CONFIG_INVALID', 'error', 'check.profiles must map globs to lists of profiles'));
  }
  if (check.severity !== undefined) {
    if (isMap(check.severity)) {
      for (const [code, sev] of Object.entries(check.severity)) {
        if (!isCode(code)) findings.push(findingAt(doc, ['check', 'severity', code], 'CONFIG_INVALID', 'error', `unknown finding code ${code}`, { key: true, hint: 'run `plumbing check --list-codes`' }));
        else if (typeof sev !== 'string' || !SEVERITIES.has(sev)) findings.push(findingAt(doc, ['check', 'severity', code], 'CONFIG_INVALID', 'error', `severity of ${code} must be error, warning, info or off`));
        else config.check.severity[code] = sev as SeverityOrOff;
      }
    } else findings.push(findingAt(doc, ['check', 'severity'], 'CONFIG_INVALID', 'error', 'check.severity must map codes to severities'));
  }
  return { config, findings };
}
