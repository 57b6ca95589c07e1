import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isMap, type JsonMap, loadYaml, type ParamValue, paramTypeOf as declaredTypeOf, RepoIndex, type ResourceDoc, UsageError, PlumbingError } from '@plumbing/model';
import { collectInvolved, findDoc, generateName, loadIndexWith, type LoadedRun, planFindings, type RunKind, type RunPlan } from '@plumbing/executor';

/** The file name findings use for a run built from command-line flags. */
export const COMMAND_LINE_FILE = '<command line>';

export interface FlagRunOptions {
  root: string;
  cwd: string;
  /** `task` or `pipeline`. */
  what: 'task' | 'pipeline';
  /** A Task/Pipeline name in the repository, or a path to a YAML file holding one. */
  target: string;
  /** `-p name=value`. */
  params: string[];
  /** `-w name=DIR` or `-w name=emptyDir`. */
  workspaces: string[];
  /** Extra `-f` files whose Tasks/Pipelines/StepActions/ConfigMaps are in scope. */
  files?: string[];
  taken?: (name: string) => boolean;
}

type DeclaredType = 'string' | 'array' | 'object';

/** Tekton's param type inference: explicit type, else properties ⇒ object, else no default ⇒ string, else the default's type. */
export function paramTypeOf(spec: unknown): DeclaredType | undefined {
  return isMap(spec) ? declaredTypeOf(spec) : undefined;
}

/** Parses one `-p name=value` against the declared type: arrays as JSON or `a,b`, objects as JSON or `k=v,k2=v2`. */
export function parseParamFlag(flag: string, declared: (name: string) => DeclaredType | undefined): { name: string; value: ParamValue } {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`-p ${flag}: expected name=value`);
  const name = flag.slice(0, eq);
  const raw = flag.slice(eq + 1);
  const type = declared(name);
  const json = (): unknown => {
    try {
      return JSON.parse(raw);
    } catch (e) {
      throw new UsageError(`-p ${name}: invalid JSON: ${(e as Error).message}`);
    }
  };
  if (type === 'array') {
    if (raw.trimStart().startsWith('[')) {
      const v = json();
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new UsageError(`-p ${name}: an array param takes a JSON array of strings or a,b,c`);
      return { name, value: v as string[] };
    }
    return { name, value: raw === '' ? [] : raw.split(',') };
  }
  if (type === 'object') {
    if (raw.trimStart().startsWith('{')) {
      const v = json();
      if (!isMap(v) || !Object.values(v).every((x) => typeof x === 'string')) throw new UsageError(`-p ${name}: an object param takes a JSON object of strings or k=v,k2=v2`);
      return { name, value: v as Record<string, string> };
    }
    const obj: Record<string, string> = {};
    for (const part of raw === '' ? [] : raw.split(',')) {
      const i = part.indexOf('=');
      if (i <= 0) throw new UsageError(`-p ${name}: an object param takes k=v,k2=v2 or JSON, got "${part}"`);
      obj[part.slice(0, i)] = part.slice(i + 1);
    }
    return { name, value: obj };
  }
  if (type === undefined && (raw.startsWith('[') || raw.startsWith('{'))) {
    try {
      const v = JSON.parse(raw) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { name, value: v as string[] };
      if (isMap(v) && Object.values(v).every((x) => typeof x === 'string')) return { name, value: v as Record<string, string> };
    } catch {
      // a string that happens to start with a bracket
    }
  }
  return { name, value: raw };
}

/** Parses one `-w name=DIR|emptyDir` into a binding (and a host directory). */
export function parseWorkspaceFlag(flag: string, cwd: string): { binding: JsonMap; hostDir?: string } {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`-w ${flag}: expected name=DIR or name=emptyDir`);
  const name = flag.slice(0, eq);
  const v = flag.slice(eq + 1);
  if (v === 'emptyDir') return { binding: { name, emptyDir: {} } };
  if (v === '') throw new UsageError(`-w ${name}=: give a directory or emptyDir`);
  const dir = isAbsolute(v) ? v : resolve(cwd, v);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`-w ${name}=${v}: no such directory`, 'create it first, or use -w NAME=emptyDir');
  // Kubernetes has no host-directory workspace: the binding says emptyDir, the host directory replaces it here.
  return { binding: { name, emptyDir: {} }, hostDir: dir };
}

function looksLikePath(target: string, cwd: string): boolean {
  if (target.endsWith('.yaml') || target.endsWith('.yml') || target.includes('/')) return true;
  const p = resolve(cwd, target);
  return existsSync(p) && statSync(p).isFile();
}

/** Builds a TaskRun (`run task`) or PipelineRun (`run pipeline`) from flags, then checks it like `plumbing check`. */
export async function loadRunFromFlags(opts: FlagRunOptions): Promise<RunPlan> {
  const kind = opts.what === 'task' ? 'Task' : 'Pipeline';
  const runKind: RunKind = opts.what === 'task' ? 'TaskRun' : 'PipelineRun';
  const isPath = looksLikePath(opts.target, opts.cwd);
  const files = [...(opts.files ?? []), ...(isPath ? [opts.target] : [])];
  const loaded = await loadIndexWith(opts.root, opts.cwd, files);
  const fileDocs: ResourceDoc[] = loaded.keys.flatMap((k) => loaded.index.files.find((f) => f.file === k)?.docs ?? []);
  let found: ResourceDoc | undefined;
  if (isPath) {
    const key = loaded.keys[loaded.keys.length - 1]!;
    const inFile = fileDocs.filter((d) => d.file === key && d.kind === kind);
    if (inFile.length === 0) throw new PlumbingError('RUN_NO_TARGET', `${opts.target} holds no ${kind}`);
    if (inFile.length > 1) throw new UsageError(`${opts.target} holds ${inFile.length} ${kind}s (${inFile.map((d) => d.name).join(', ')}): name one with plumbing run ${opts.what} NAME -f ${opts.target}`);
    found = inFile[0];
  } else {
    found = findDoc(loaded.index, fileDocs, kind, opts.target);
  }
  if (!found) {
    throw new PlumbingError('RUN_NO_TARGET', `no ${kind} named ${opts.target} in the repository or the files`, { hint: `plumbing run ${opts.what} PATH.yaml runs a ${kind} from a file` });
  }
  const target = found;
  const targetName = target.name ?? opts.target;
  const spec = isMap(target.value) && isMap(target.value.spec) ? (target.value.spec as JsonMap) : {};
  const declared = new Map<string, DeclaredType | undefined>();
  for (const p of Array.isArray(spec.params) ? spec.params : []) if (isMap(p) && typeof p.name === 'string') declared.set(p.name, paramTypeOf(p));
  const params = opts.params.map((f) => parseParamFlag(f, (n) => declared.get(n)));
  const hostDirs: Record<string, string> = {};
  const workspaces = opts.workspaces.map((f) => {
    const w = parseWorkspaceFlag(f, opts.cwd);
    if (w.hostDir) hostDirs[String(w.binding.name)] = w.hostDir;
    return w.binding;
  });
  const seenNames = new Set<string>();
  for (const n of [...params.map((p) => `-p ${p.name}`), ...workspaces.map((w) => `-w ${String(w.name)}`)]) {
    if (seenNames.has(n)) throw new UsageError(`${n} given twice`);
    seenNames.add(n);
  }
  const resource = {
    apiVersion: 'tekton.dev/v1',
    kind: runKind,
    metadata: { generateName: `${targetName}-run-` },
    spec: {
      [opts.what === 'task' ? 'taskRef' : 'pipelineRef']: { name: targetName },
      ...(params.length > 0 ? { params } : {}),
      ...(workspaces.length > 0 ? { workspaces } : {}),
    },
  };
  // JSON is YAML: the synthetic document has positions, so findings on it are located like any other.
  const src = loadYaml(COMMAND_LINE_FILE, `${JSON.stringify(resource, null, 2)}\n`);
  const index = new RepoIndex([...loaded.index.files, src]);
  const doc = src.docs[0]!;
  const name = generateName(resource.metadata.generateName, opts.taken);
  const run: LoadedRun = {
    kind: runKind,
    name,
    namespace: 'default',
    resource: { apiVersion: resource.apiVersion, kind: runKind, metadata: { ...resource.metadata, name }, spec: resource.spec as JsonMap },
    doc,
    hostDirs,
  };
  // Resolution "from the same file first" must find the target: resolve from its document.
  const involved = new Set<string>([COMMAND_LINE_FILE, target.file, ...loaded.keys]);
  collectInvolved(index, [target, ...fileDocs], run, involved);
  const findings = planFindings(loaded, index, involved);
  return { root: opts.root, runs: [run], notes: [], findings, index, fileDocs: [target, ...fileDocs.filter((d) => d !== target)], runConfig: loaded.runConfig };
}

