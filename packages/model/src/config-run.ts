/**
 * The `run` section of `.plumbing.yaml` (settings of `plumbing run`):
 *
 *   run:
 *     cluster: dogfooding          # Tekton's feature-flags ConfigMap from clusters/<name>/ (any YAML file there)
 *     featureFlags:                # the same keys as that ConfigMap's data; these win over the cluster's
 *       results-from: sidecar-logs
 *       enable-api-fields: alpha
 *     imageConfigs:                # images a step without command may run with the host's tools (--images host)
 *       registry.example.com/team/tool:
 *         entrypoint: [tool]
 *         cmd: [--help]
 *         workingDir: /src
 *         env: {TOOL_HOME: /opt/tool}
 *
 * Problems are findings at their position (CONFIG_INVALID), never exceptions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Finding } from './check/finding.js';
import { DEFAULT_FEATURE_FLAGS, type FeatureFlags, parseFeatureFlags } from './tekton/feature-flags.js';
import type { ImageConfig } from './tekton/image-config.js';
import { normaliseImageKeys } from './tekton/image-config.js';
import { findingAt, loadYaml, type ResourceDoc } from './yaml/source.js';
import { isMap } from './yaml/values.js';

export interface RunConfig {
  /** `run.imageConfigs`, keys normalised (lookupImageConfig's overrides). */
  imageConfigs: Record<string, ImageConfig>;
  featureFlags: FeatureFlags;
  /** Where the flags came from (`clusters/x/...yaml`, `.plumbing.yaml`), for notes; empty: Tekton's defaults. */
  featureFlagSources: string[];
}

const CONFIG = '.plumbing.yaml';

function invalid(doc: ResourceDoc, path: (string | number)[], message: string, key = false): Finding {
  return findingAt(doc, path, 'CONFIG_INVALID', 'error', message, { key });
}

function strings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((s) => typeof s === 'string');
}

function imageConfig(doc: ResourceDoc, at: (string | number)[], v: unknown, findings: Finding[]): ImageConfig | undefined {
  if (!isMap(v)) {
    findings.push(invalid(doc, at, `${at.join('.')} must be a map with entrypoint, cmd, workingDir and env`));
    return undefined;
  }
  const out: ImageConfig = {};
  for (const [k, val] of Object.entries(v)) {
    const p = [...at, k];
    if (k === 'entrypoint' || k === 'cmd') {
      if (strings(val)) out[k === 'entrypoint' ? 'Entrypoint' : 'Cmd'] = val;
      else findings.push(invalid(doc, p, `${k} must be a list of strings (the argv, as in a Dockerfile's exec form)`));
    } else if (k === 'workingDir') {
      if (typeof val === 'string' && val.startsWith('/')) out.WorkingDir = val;
      else findings.push(invalid(doc, p, 'workingDir must be an absolute path'));
    } else if (k === 'env') {
      if (isMap(val) && Object.values(val).every((x) => typeof x === 'string')) out.Env = Object.entries(val).map(([n, x]) => `${n}=${x}`);
      else findings.push(invalid(doc, p, 'env must map variable names to string values'));
    } else findings.push(invalid(doc, p, `unknown key ${k} in an image config: use entrypoint, cmd, workingDir or env`, true));
  }
  if (!out.Entrypoint?.length && !out.Cmd?.length) findings.push(invalid(doc, at, `${at.join('.')} needs an entrypoint or a cmd: a step without command runs them`, true));
  return out;
}

/** A ConfigMap's (or the `featureFlags` map's) values as strings; a nested value is a finding. */
function flagData(doc: ResourceDoc, at: (string | number)[], v: unknown, findings: Finding[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(v)) {
    findings.push(invalid(doc, at, `${at.join('.')} must map feature-flag names to values`));
    return out;
  }
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string' || typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
    else findings.push(invalid(doc, [...at, k], `feature flag ${k} must be a string`));
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e)) out.push(p);
  }
  return out.sort();
}

/** The `feature-flags` ConfigMap of clusters/<name>/ (its data, where it is, and the doc for positions). */
function clusterFlags(root: string, name: string): { doc: ResourceDoc; data: unknown } | undefined {
  const dir = join(root, 'clusters', name);
  if (!existsSync(dir)) return undefined;
  for (const f of yamlFiles(dir)) {
    const src = loadYaml(relative(root, f), readFileSync(f, 'utf8'));
    for (const doc of src.docs) {
      if (doc.kind === 'ConfigMap' && doc.name === 'feature-flags') return { doc, data: (doc.value as Record<string, unknown>).data ?? {} };
    }
  }
  return undefined;
}

function applyFlags(doc: ResourceDoc, at: (string | number)[], data: Record<string, string>, acc: Record<string, string>, findings: Finding[]): void {
  for (const e of parseFeatureFlags(data).errors) findings.push(invalid(doc, [...at, e.key], e.message));
  Object.assign(acc, data);
}

/** Reads the `run` section of a loaded `.plumbing.yaml` document (`root`: where `clusters/` is). */
export function parseRunConfig(doc: ResourceDoc | undefined, root: string): { run: RunConfig; findings: Finding[] } {
  const run: RunConfig = { imageConfigs: {}, featureFlags: { ...DEFAULT_FEATURE_FLAGS }, featureFlagSources: [] };
  const findings: Finding[] = [];
  const section = doc && isMap(doc.value) ? doc.value.run : undefined;
  if (!doc || section === undefined) return { run, findings };
  if (!isMap(section)) return { run, findings: [invalid(doc, ['run'], 'run must be a map')] };
  const data: Record<string, string> = {};
  if (section.cluster !== undefined) {
    const name = section.cluster;
    const found = typeof name === 'string' ? clusterFlags(root, name) : undefined;
    if (typeof name !== 'string' || !existsSync(join(root, 'clusters', name))) findings.push(invalid(doc, ['run', 'cluster'], `run.cluster must name a directory under clusters/ (got ${JSON.stringify(name)})`));
    else if (found) {
      applyFlags(found.doc, ['data'], flagData(found.doc, ['data'], found.data, findings), data, findings);
      run.featureFlagSources.push(found.doc.file);
    }
  }
  if (section.featureFlags !== undefined) {
    applyFlags(doc, ['run', 'featureFlags'], flagData(doc, ['run', 'featureFlags'], section.featureFlags, findings), data, findings);
    run.featureFlagSources.push(CONFIG);
  }
  run.featureFlags = parseFeatureFlags(data).flags;
  if (section.imageConfigs !== undefined) {
    if (!isMap(section.imageConfigs)) findings.push(invalid(doc, ['run', 'imageConfigs'], 'run.imageConfigs must map image names to image configs'));
    else {
      const own: Record<string, ImageConfig> = {};
      for (const [image, v] of Object.entries(section.imageConfigs)) {
        const c = imageConfig(doc, ['run', 'imageConfigs', image], v, findings);
        if (c) own[image] = c;
      }
      run.imageConfigs = normaliseImageKeys(own);
    }
  }
  for (const k of Object.keys(section)) if (!['cluster', 'featureFlags', 'imageConfigs'].includes(k)) findings.push(invalid(doc, ['run', k], `unknown key run.${k}: use cluster, featureFlags or imageConfigs`, true));
  return { run, findings };
}
