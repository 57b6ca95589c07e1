import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  applyFeatureGates,
  checkIndex,
  type Finding,
  isMap,
  type JsonMap,
  loadRepoConfig,
  loadRepository,
  PlumbingError,
  type RepoIndex,
  type ResourceDoc,
  type RunConfig,
  type SeverityOrOff,
  UsageError,
} from '@plumbing/model';
import type { Resolver, ReusedTask } from '../contracts.js';
import type { RunKind } from './record.js';

export type { RunKind };

/** One TaskRun or PipelineRun to execute, named, with where it came from. */
export interface LoadedRun {
  kind: RunKind;
  name: string;
  namespace: string;
  /** The run as a plain object, `metadata.name` set (generateName applied). */
  resource: { apiVersion: string; kind: RunKind; metadata: JsonMap; spec: JsonMap };
  /** The document it was loaded from (for resolution "from the same file first"). */
  doc: ResourceDoc;
  /** Workspaces bound to host directories on the command line (`-w name=DIR`): name → absolute path. */
  hostDirs: Record<string, string>;
  /** A retry (runs/retry.ts): the run it retries, that run's record directory, the tasks it reuses. */
  retryOf?: { run: string; dir: string; reused: ReusedTask[] };
}

/** Everything `plumbing run` needs before it runs anything. */
export interface RunPlan {
  root: string;
  runs: LoadedRun[];
  /** One line per document that is not run (other kinds), for stderr. */
  notes: string[];
  /** Findings of `checkIndex` over the involved files (all severities). */
  findings: Finding[];
  index: RepoIndex;
  /** Documents of the files given on the command line, in order: they win over the repository. */
  fileDocs: ResourceDoc[];
  /** `.plumbing.yaml` run settings: Tekton's feature flags and the image configs (absent: Tekton's defaults, the shipped table). */
  runConfig?: RunConfig;
}

const REFERENCED_KINDS = new Set(['Task', 'Pipeline', 'StepAction']);
const RUN_KINDS = new Set<string>(['TaskRun', 'PipelineRun']);
/** Kubernetes' generateName alphabet, letters only (utilrand.String without the digits). */
const NAME_CHARS = 'bcdfghjklmnpqrstvwxz';

/** `prefix` + 5 random lowercase letters, like the API server does for `metadata.generateName`. */
export function generateName(prefix: string, taken: (name: string) => boolean = () => false): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < 5; i++) s += NAME_CHARS[randomInt(NAME_CHARS.length)];
    const name = `${prefix}${s}`;
    if (!taken(name)) return name;
  }
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Key of an absolute path in the repository index (as loadRepository names it). */
export function indexKey(root: string, abs: string): string {
  return toPosix(relative(root, abs)) || '.';
}

export interface LoadRunsOptions {
  root: string;
  cwd: string;
  /** Files from `-f`, relative to cwd or absolute. */
  files: string[];
  /** Is this run name already used (a record exists, or another run of this invocation)? */
  taken?: (name: string) => boolean;
}

/** The repository plus the given files (index), without choosing runs, and `.plumbing.yaml`'s settings. */
export interface LoadedIndex {
  index: RepoIndex;
  keys: string[];
  loadFindings: Finding[];
  severities: Record<string, SeverityOrOff>;
  exclude: string[];
  runConfig: RunConfig;
}

/** Loads the repository plus the given files (index), without choosing runs. */
export async function loadIndexWith(root: string, cwd: string, files: string[]): Promise<LoadedIndex> {
  const abs = files.map((f) => (isAbsolute(f) ? f : resolve(cwd, f)));
  for (let i = 0; i < abs.length; i++) {
    const a = abs[i]!;
    if (!existsSync(a)) throw new PlumbingError('RUN_FILE_MISSING', `no such file: ${files[i]}`);
    if (statSync(a).isDirectory()) throw new UsageError(`-f ${files[i]} is a directory: give YAML files`);
  }
  const { config, findings: configFindings } = loadRepoConfig(root);
  const { index, findings } = await loadRepository(root, abs, { exclude: config.check.exclude });
  // the run section's problems stop a run; check's own settings are check's business
  const runFindings = configFindings.filter((f) => f.path === 'run' || f.path?.startsWith('run.') || f.path?.startsWith('data'));
  return { index, keys: abs.map((a) => indexKey(root, a)), loadFindings: [...runFindings, ...findings], severities: config.check.severity, exclude: config.check.exclude, runConfig: config.run };
}

/**
 * The findings that decide whether a plan runs: `checkIndex` over the involved files, with the
 * fields gated by Tekton's feature flags refused (errors) when the configured flags do not enable
 * them, as the admission webhook would. Without configured flags, they stay warnings.
 */
export function planFindings(loaded: LoadedIndex, index: RepoIndex, involved: ReadonlySet<string>): Finding[] {
  const found = checkIndex(index, { severities: loaded.severities, onlyFiles: involved });
  return [...loaded.loadFindings, ...applyFeatureGates(found, loaded.runConfig)];
}

/** Loads every TaskRun and PipelineRun of the files; other kinds become notes. Runs `checkIndex` over the involved files. */
export async function loadRunsFromFiles(opts: LoadRunsOptions): Promise<RunPlan> {
  const loaded = await loadIndexWith(opts.root, opts.cwd, opts.files);
  const { index, keys } = loaded;
  const fileDocs: ResourceDoc[] = [];
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) continue;
    seen.add(k);
    const src = index.files.find((f) => f.file === k);
    if (src) fileDocs.push(...src.docs);
  }
  const notes: string[] = [];
  const runs: LoadedRun[] = [];
  const used = new Set<string>();
  const taken = (n: string) => used.has(n) || (opts.taken?.(n) ?? false);
  for (const doc of fileDocs) {
    const where = `${doc.file}:${doc.ast.contents?.range ? doc.source.lineCounter.linePos(doc.ast.contents.range[0]).line : 1}`;
    if (doc.kind && RUN_KINDS.has(doc.kind) && doc.apiVersion?.startsWith('tekton.dev/')) {
      runs.push(makeRun(doc, taken, used));
    } else if (doc.kind && REFERENCED_KINDS.has(doc.kind) && doc.apiVersion?.startsWith('tekton.dev/')) {
      // used by references
    } else {
      const what = `${doc.kind ?? '(no kind)'}${doc.name ? `/${doc.name}` : ''}`;
      const extra =
        doc.kind === 'ConfigMap' || doc.kind === 'Secret' ? ' (available to configMap/secret volumes and workspaces, env valueFrom and envFrom, and ServiceAccounts)' : doc.kind === 'ServiceAccount' ?  " (its docker-config Secrets are used for the runs' image pulls, its tekton.dev/git-N and docker-N Secrets for creds-init)" : '';
      notes.push(`${where}: skipping ${what}: not a TaskRun or PipelineRun${extra}`);
    }
  }
  const involved = new Set(keys);
  for (const r of runs) collectInvolved(index, fileDocs, r, involved);
  const findings = planFindings(loaded, index, involved);
  return { root: opts.root, runs, notes, findings, index, fileDocs, runConfig: loaded.runConfig };
}

function makeRun(doc: ResourceDoc, taken: (n: string) => boolean, used: Set<string>): LoadedRun {
  const value = (isMap(doc.value) ? doc.value : {}) as JsonMap;
  const meta: JsonMap = isMap(value.metadata) ? { ...(value.metadata as JsonMap) } : {};
  let name = typeof meta.name === 'string' ? meta.name : undefined;
  if (!name) {
    const prefix = typeof meta.generateName === 'string' && meta.generateName !== '' ? meta.generateName : `${(doc.kind ?? 'run').toLowerCase()}-`;
    name = generateName(prefix, taken);
  } else if (used.has(name)) {
    throw new UsageError(`two runs are named ${doc.kind}/${name} (${doc.file}); names must be unique in one plumbing run`, 'use metadata.generateName');
  }
  used.add(name);
  meta.name = name;
  const kind = doc.kind as RunKind;
  return {
    kind,
    name,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
    resource: { apiVersion: doc.apiVersion ?? 'tekton.dev/v1', kind, metadata: meta, spec: isMap(value.spec) ? (value.spec as JsonMap) : {} },
    doc,
    hostDirs: {},
  };
}

/** Finds `kind/name`: the command-line files first, then the repository index (from `from`). */
export function findDoc(index: RepoIndex, fileDocs: readonly ResourceDoc[], kind: string, name: string, from?: ResourceDoc): ResourceDoc | undefined {
  const inFiles = fileDocs.filter((d) => d.kind === kind && d.name === name);
  if (inFiles.length > 0) return (from && inFiles.find((d) => d.file === from.file)) || inFiles[0];
  return index.resolve(kind, name, from);
}

function specOf(doc: ResourceDoc): JsonMap {
  return isMap(doc.value) && isMap(doc.value.spec) ? (doc.value.spec as JsonMap) : {};
}

/** The Resolver the engines use for one run (Tasks, Pipelines, StepActions: files first, then the repository). */
export function resolverFor(plan: Pick<RunPlan, 'index' | 'fileDocs'>, from?: ResourceDoc): Resolver {
  return {
    task(name, kind) {
      const k = kind === undefined || kind.toLowerCase() === 'task' ? 'Task' : kind;
      const d = findDoc(plan.index, plan.fileDocs, k, name, from);
      return d ? { name, spec: specOf(d) as never } : undefined;
    },
    pipeline(name) {
      const d = findDoc(plan.index, plan.fileDocs, 'Pipeline', name, from);
      return d ? { name, spec: specOf(d) as never } : undefined;
    },
    stepAction(name) {
      const d = findDoc(plan.index, plan.fileDocs, 'StepAction', name, from);
      return d ? { name, spec: specOf(d) as never } : undefined;
    },
  };
}

function asList(v: unknown): JsonMap[] {
  return Array.isArray(v) ? (v.filter(isMap) as JsonMap[]) : [];
}

function refName(ref: unknown): string | undefined {
  return isMap(ref) && typeof ref.name === 'string' && ref.resolver === undefined ? ref.name : undefined;
}

/** Adds to `out` the files of every Task, Pipeline and StepAction a run reaches, transitively. */
export function collectInvolved(index: RepoIndex, fileDocs: readonly ResourceDoc[], run: LoadedRun, out: Set<string>): void {
  out.add(run.doc.file);
  const visited = new Set<ResourceDoc>();
  const visitDoc = (d: ResourceDoc | undefined, fn: (spec: JsonMap) => void) => {
    if (!d || visited.has(d)) return;
    visited.add(d);
    out.add(d.file);
    fn(specOf(d));
  };
  const taskSpec = (spec: JsonMap) => {
    for (const step of asList(spec.steps)) {
      const n = refName(step.ref);
      if (n) visitDoc(findDoc(index, fileDocs, 'StepAction', n, run.doc), () => {});
    }
  };
  const pipelineSpec = (spec: JsonMap) => {
    for (const t of [...asList(spec.tasks), ...asList(spec.finally)]) {
      const tn = refName(t.taskRef);
      const tk = isMap(t.taskRef) ? t.taskRef.kind : undefined;
      if (tn && (tk === undefined || tk === 'Task')) visitDoc(findDoc(index, fileDocs, 'Task', tn, run.doc), taskSpec);
      if (isMap(t.taskSpec)) taskSpec(t.taskSpec as JsonMap);
      const pn = refName(t.pipelineRef);
      if (pn) visitDoc(findDoc(index, fileDocs, 'Pipeline', pn, run.doc), pipelineSpec);
      if (isMap(t.pipelineSpec)) pipelineSpec(t.pipelineSpec as JsonMap);
    }
  };
  const spec = run.resource.spec;
  if (run.kind === 'TaskRun') {
    const n = refName(spec.taskRef);
    if (n) visitDoc(findDoc(index, fileDocs, 'Task', n, run.doc), taskSpec);
    if (isMap(spec.taskSpec)) taskSpec(spec.taskSpec as JsonMap);
  } else {
    const n = refName(spec.pipelineRef);
    if (n) visitDoc(findDoc(index, fileDocs, 'Pipeline', n, run.doc), pipelineSpec);
    if (isMap(spec.pipelineSpec)) pipelineSpec(spec.pipelineSpec as JsonMap);
  }
}

/** The findings that stop a run: errors. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}
