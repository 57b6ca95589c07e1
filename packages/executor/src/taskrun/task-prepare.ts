/**
 * From a TaskRunRequest to fully substituted steps, in Tekton's order (§3.2,
 * taskrun.go applyParamsContextsResultsAndWorkspaces): params → context → results paths
 * → artifacts paths → exit code paths → workspaces. Pure: no processes, no files.
 */
import type { Step, TaskResult, TaskSpec, Volume, WorkspaceDeclaration } from '@plumbing/model';
import type { ResolvedWorkspace, TaskRunRequest } from '../contracts.js';
import {
  applyToStep,
  applyToTaskSpec,
  artifactPathReplacements,
  contextReplacements,
  exitCodePathReplacements,
  mergeReplacements,
  newReplacements,
  type Replacements,
  resultPathReplacements,
  stepContainerName,
  stepResultPathReplacements,
  TEKTON_PATHS,
  workspaceReplacements,
} from '../substitution/substitute.js';
import { checkArrayIndexes, propagateParamSpecs, resolveTaskParams, type TaskFailure } from './task-params.js';
import { inlineStepActions, mergeStepTemplate } from './task-steps.js';

/** Where the Tekton paths live, as the step sees them (Tekton's paths in the sandbox, host dirs without). */
export interface TaskPaths {
  results: string;
  steps: string;
  run: string;
  home: string;
  scripts: string;
  artifacts: string;
  workspace: string;
}

export const SANDBOX_PATHS: TaskPaths = {
  results: TEKTON_PATHS.results,
  steps: TEKTON_PATHS.steps,
  run: TEKTON_PATHS.run,
  home: TEKTON_PATHS.home,
  scripts: TEKTON_PATHS.scripts,
  artifacts: TEKTON_PATHS.artifacts,
  workspace: TEKTON_PATHS.workspace,
};

export interface WorkspaceMount {
  name: string;
  /** Path in the step (sandboxed). */
  mountPath: string;
  hostPath: string;
  readOnly: boolean;
}

export interface PreparedStep {
  index: number;
  /** Step name as written ('' when unnamed). */
  name: string;
  /** `step-<name>` / `step-unnamed-<i>`. */
  container: string;
  step: Step;
  /** Workspaces this step mounts. */
  workspaces: WorkspaceMount[];
  /** The step's volumeMounts of pod volumes (emptyDir real, configMap/secret written from the run's objects, others empty dirs). */
  volumes: { volume: string; mountPath: string; subPath?: string; readOnly: boolean; source: 'emptyDir' | 'object' | 'other' }[];
}

export interface PreparedTask {
  taskName: string;
  /** The sidecars, substituted like steps (index after the steps'; container `sidecar-<name>`), started by step/sidecars.ts. */
  sidecars: PreparedStep[];
  /** The spec with StepActions inlined, before substitution (status.taskSpec). */
  resolvedSpec: TaskSpec;
  steps: PreparedStep[];
  results: TaskResult[];
  /** The pod's volumes, substituted (configMap and secret ones are written from TaskRunRequest.objects). */
  volumes: Volume[];
}

/** Where `$(credentials.path)` points, as the step sees it. */
export function credentialsPath(paths: TaskPaths): string {
  return paths.home === TEKTON_PATHS.home ? TEKTON_PATHS.creds : `${paths.home.slice(0, paths.home.lastIndexOf('/'))}/creds`;
}

/** Whether a step mentions step artifacts (then its artifacts dir is made and read). */
export function mentionsArtifacts(s: PreparedStep): boolean {
  const st = s.step;
  return [st.script ?? '', ...(st.command ?? []), ...(st.args ?? []), ...(st.env ?? []).map((e) => e.value ?? '')].some((t) => t.includes('artifacts'));
}

export function isFailure(x: unknown): x is TaskFailure {
  return typeof x === 'object' && x !== null && 'reason' in x && 'message' in x && !('steps' in x);
}

function declaredWorkspaces(spec: TaskSpec, bindings: readonly ResolvedWorkspace[], embedded: boolean): WorkspaceDeclaration[] | TaskFailure {
  const decls = [...(spec.workspaces ?? [])];
  const names = new Set(decls.map((d) => d.name));
  for (const b of bindings) {
    if (names.has(b.name)) continue;
    if (embedded) {
      decls.push({ name: b.name });
      names.add(b.name);
    } else return { reason: 'TaskRunValidationFailed', message: `workspace binding "${b.name}" does not match any declared workspace` };
  }
  for (const d of decls) {
    const b = bindings.find((x) => x.name === d.name);
    if (!d.optional && !b?.hostPath) return { reason: 'TaskRunValidationFailed', message: `declared workspace "${d.name}" is required but has not been bound` };
  }
  return decls;
}

type Decl = WorkspaceDeclaration;

/** Applies `table(i)` to step i and `common` to every step and to the rest of the spec. */
function perStep(s: TaskSpec, table: (i: number) => Replacements, common: Replacements): TaskSpec {
  const out = applyToTaskSpec({ ...s, steps: [] }, common);
  out.steps = (s.steps ?? []).map((st, i) => applyToStep(st, mergeReplacements(common, table(i))));
  return out;
}

/** Result, step-result, artifact and exit-code paths. */
function substitutePaths(spec: TaskSpec, results: readonly TaskResult[], containers: readonly string[], paths: TaskPaths): TaskSpec {
  const resultTable = resultPathReplacements(
    results.map((r) => r.name),
    paths.results,
  );
  let cur = perStep(spec, (i) => stepResultPathReplacements(containers[i]!, (spec.steps?.[i]?.results ?? []).map((r) => r.name), paths.steps), resultTable);
  cur = perStep(cur, (i) => artifactPathReplacements(containers[i], paths.artifacts, paths.steps), artifactPathReplacements(undefined, paths.artifacts, paths.steps));
  return applyToTaskSpec(cur, exitCodePathReplacements(containers, paths.steps));
}

/** Workspace variables (declared mountPaths as substituted by the earlier stages); also returns the declarations with those mountPaths. */
function substituteWorkspaces(spec: TaskSpec, declared: readonly Decl[], req: TaskRunRequest, sandboxed: boolean): { spec: TaskSpec; decls: Decl[] } {
  const decls = declared.map((d) => {
    const mountPath = spec.workspaces?.find((w) => w.name === d.name)?.mountPath;
    return mountPath === undefined ? d : { ...d, mountPath };
  });
  const wsVars = (i: number | undefined) =>
    workspaceReplacements(
      decls.map((d) => {
        const b = req.workspaces.find((x) => x.name === d.name);
        const bound = !!b?.hostPath;
        const usage = i === undefined ? undefined : spec.steps?.[i]?.workspaces?.find((w) => w.name === d.name && w.mountPath);
        const mountPath = usage?.mountPath ?? d.mountPath ?? `/workspace/${d.name}`;
        return {
          name: d.name,
          path: !bound ? '' : sandboxed ? mountPath : b!.hostPath!,
          bound,
          claim: b?.claim ?? '',
          volume: b?.volume ?? `ws-${d.name}`,
        };
      }),
    );
  return { spec: perStep(spec, (i) => wsVars(i), wsVars(undefined)), decls };
}

/** The pod's volumes: the Task's, then those of the TaskRun's podTemplate (a Task volume wins a name). */
export function podVolumes(cur: TaskSpec, req: TaskRunRequest): Volume[] {
  const own = cur.volumes ?? [];
  return [...own, ...(req.podVolumes ?? []).filter((v) => !own.some((o) => o.name === v.name))];
}

/** Each step with its stepTemplate, workspace mounts (isolated workspaces only where used) and volumes. */
function buildSteps(cur: TaskSpec, decls: readonly Decl[], isolated: ReadonlySet<string>, req: TaskRunRequest, names: readonly string[], containers: readonly string[]): PreparedStep[] {
  return (cur.steps ?? []).map((st, i) => {
    const merged = mergeStepTemplate(cur.stepTemplate, st);
    const mounts: WorkspaceMount[] = [];
    for (const d of decls) {
      const b = req.workspaces.find((x) => x.name === d.name);
      if (!b?.hostPath) continue;
      const usage = st.workspaces?.find((w) => w.name === d.name);
      if (isolated.has(d.name) && !usage) continue;
      mounts.push({ name: d.name, mountPath: usage?.mountPath || d.mountPath || `/workspace/${d.name}`, hostPath: b.hostPath, readOnly: !!(d.readOnly || b.readOnly) });
    }
    const volumes: PreparedStep['volumes'] = [];
    for (const vm of merged.volumeMounts ?? []) {
      const vol = podVolumes(cur, req).find((v) => v.name === vm.name);
      if (!vol) continue;
      const source = vol.emptyDir ? 'emptyDir' : vol.configMap || vol.secret ? 'object' : 'other';
      volumes.push({ volume: vm.name, mountPath: vm.mountPath, ...(vm.subPath ? { subPath: vm.subPath } : {}), readOnly: !!vm.readOnly, source });
    }
    return { index: i, name: names[i] ?? '', container: containers[i]!, step: merged, workspaces: mounts, volumes };
  });
}

/** Sidecars as steps (no stepTemplate, as Tekton), numbered after the steps. */
function prepareSidecars(cur: TaskSpec, decls: readonly Decl[], isolated: ReadonlySet<string>, req: TaskRunRequest, first: number): PreparedStep[] {
  const list = cur.sidecars ?? [];
  const names = list.map((sc, i) => sc.name || `unnamed-${i}`);
  const { stepTemplate: _template, ...spec } = cur;
  const built = buildSteps({ ...spec, steps: list }, decls, isolated, req, names, names.map((n) => `sidecar-${n}`));
  return built.map((b) => ({ ...b, index: first + b.index }));
}

function invalidStep(steps: readonly PreparedStep[]): TaskFailure | undefined {
  for (const s of steps) {
    if (!s.step.image) return { reason: 'TaskRunValidationFailed', message: `missing field(s): steps[${s.index}].image` };
    const oe = s.step.onError;
    if (oe !== undefined && oe !== 'continue' && oe !== 'stopAndFail') {
      return { reason: 'TaskRunValidationFailed', message: `invalid value: ${oe}: steps[${s.index}].onError\nTask step onError must be either "continue" or "stopAndFail"` };
    }
    if (s.step.script !== undefined && s.step.command?.length) {
      return { reason: 'TaskRunValidationFailed', message: `script cannot be used with command: steps[${s.index}].script` };
    }
  }
  return undefined;
}

/** Validates, inlines and substitutes. `paths` decides what the path variables expand to. */
export function prepareTask(req: TaskRunRequest, paths: TaskPaths, sandboxed: boolean): PreparedTask | TaskFailure {
  const embedded = req.taskName === undefined;
  const taskName = req.taskName ?? req.name;
  const spec = req.spec;
  if (!spec.steps?.length) return { reason: 'TaskRunValidationFailed', message: 'missing field(s): steps' };

  const paramSpecs = embedded ? propagateParamSpecs(spec, req.params) : (spec.params ?? []);
  const params = resolveTaskParams(taskName, paramSpecs, req.params);
  if ('reason' in params) return params;

  const inlined = inlineStepActions(spec.steps, req.resolver ? (n) => req.resolver!.stepAction(n) : undefined, params.replacements);
  if (!Array.isArray(inlined)) return inlined;
  const resolvedSpec: TaskSpec = { ...spec, steps: inlined };

  const bounds = checkArrayIndexes(resolvedSpec, params.values);
  if (bounds) return bounds;

  const declared = declaredWorkspaces(spec, req.workspaces, embedded);
  if (!Array.isArray(declared)) return declared;

  const containers = inlined.map((s, i) => stepContainerName(s.name, i));
  const results = spec.results ?? [];

  // params → context → paths → workspaces
  let cur = applyToTaskSpec(resolvedSpec, params.replacements);
  cur = applyToTaskSpec(cur, contextReplacements({ taskRunName: req.name, namespace: req.namespace, uid: req.uid, taskName, retryCount: req.retryCount }));
  cur = substitutePaths(cur, results, containers, paths);
  // workspaces a step names are isolated to the steps that name them
  const isolated = new Set<string>();
  for (const s of cur.steps ?? []) for (const w of s.workspaces ?? []) isolated.add(w.name);
  const ws = substituteWorkspaces(cur, declared, req, sandboxed);

  const steps = buildSteps(ws.spec, ws.decls, isolated, req, inlined.map((s) => s.name ?? ''), containers);
  const invalid = invalidStep(steps);
  if (invalid) return invalid;
  // (pod build) credentials.path
  const creds = newReplacements();
  creds.strings.set('credentials.path', credentialsPath(paths));
  for (const s of steps) s.step = applyToStep(s.step, creds);
  const sidecars = prepareSidecars(ws.spec, ws.decls, isolated, req, steps.length);
  return { taskName, sidecars, resolvedSpec, steps, results, volumes: podVolumes(ws.spec, req) };
}
