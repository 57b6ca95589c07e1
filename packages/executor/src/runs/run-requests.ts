/**
 * A loaded Tekton run (a TaskRun or PipelineRun document) → the request the engines take: the
 * referenced Task/Pipeline resolved (files first, then the repository), workspaces bound to host
 * directories, params, timeouts, labels. Pure but for the workspace directories it creates; used
 * by `executeRuns` and by the engines' fixture tests, so that both go through the same loader.
 */
import { join } from 'node:path';
import { isMap, type JsonMap, type ParamValue, parseGoDuration, type ResourceDoc, type Volume } from '@plumbing/model';
import type { ExecuteTaskRun, PipelineRunRequest, ResolvedParam, TaskRunRequest } from '../contracts.js';
import { type LoadedRun, type RunPlan, resolverFor } from './load-runs.js';
import { bindPipelineRunWorkspaces, bindTaskRunWorkspaces } from './run-workspaces.js';

/** A run that fails before the engine starts: Tekton's reason and message. */
export interface RequestRefusal {
  refused: { reason: string; message: string };
}

export interface RequestContext {
  plan: Pick<RunPlan, 'root' | 'index' | 'fileDocs'>;
  run: LoadedRun;
  /** The run's record directory (`runDirOf(root, name)`): logs and emptyDir-like workspaces go under it. */
  dir: string;
  uid: string;
  signal: AbortSignal;
  /** Overrides the run's own timeout; 0 = none. */
  timeoutMs?: number | undefined;
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isMap(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function paramsOf(spec: JsonMap): ResolvedParam[] {
  return (Array.isArray(spec.params) ? spec.params : []).filter(isMap).map((p) => ({ name: String(p.name), value: p.value as ParamValue }));
}

function refuse(reason: string, message: string): RequestRefusal {
  return { refused: { reason, message } };
}

/** The first timeout written that is not a Go duration (the webhook refuses the run), as a message. */
function invalidTimeout(fields: [string, unknown][]): string | undefined {
  for (const [name, v] of fields) if (typeof v === 'string' && parseGoDuration(v) === undefined) return `invalid ${name} ${JSON.stringify(v)}: not a duration`;
  return undefined;
}

export function labelsOf(run: LoadedRun): { labels: Record<string, string>; annotations: Record<string, string> } {
  return { labels: strMap(run.resource.metadata.labels), annotations: strMap(run.resource.metadata.annotations) };
}

/** The TaskRun's request (first attempt: a retry changes only `retryCount`), or why it cannot start. */
export function taskRunRequest(c: RequestContext): TaskRunRequest | RequestRefusal {
  const { run } = c;
  const spec = run.resource.spec;
  const resolver = resolverFor(c.plan, run.doc);
  let taskSpec: JsonMap | undefined = isMap(spec.taskSpec) ? (spec.taskSpec as JsonMap) : undefined;
  let taskName: string | undefined;
  if (!taskSpec) {
    const ref = isMap(spec.taskRef) ? spec.taskRef : {};
    if (typeof ref.resolver === 'string') return refuse('TaskRunResolutionFailed', `remote resolution (resolver: ${ref.resolver}) does not run locally: put the Task in the repository or in a -f file`);
    const t = typeof ref.name === 'string' ? resolver.task(ref.name, typeof ref.kind === 'string' ? ref.kind : undefined) : undefined;
    if (!t) return refuse('TaskRunResolutionFailed', `error when listing tasks for taskRun ${run.name}: tasks.tekton.dev "${String(ref.name)}" not found`);
    taskSpec = t.spec as unknown as JsonMap;
    taskName = t.name;
  }
  let workspaces: TaskRunRequest['workspaces'];
  try {
    workspaces = bindTaskRunWorkspaces(spec, { root: c.plan.root, runDir: c.dir, fileDocs: c.plan.fileDocs, hostDirs: run.hostDirs });
  } catch (e) {
    return refuse('TaskRunValidationFailed', (e as Error).message);
  }
  const badTimeout = invalidTimeout([['spec.timeout', spec.timeout]]);
  if (badTimeout) return refuse('TaskRunValidationFailed', badTimeout);
  const ownTimeout = typeof spec.timeout === 'string' ? parseGoDuration(spec.timeout) : undefined;
  const timeoutMs = c.timeoutMs ?? ownTimeout;
  return {
    name: run.name,
    namespace: run.namespace,
    uid: c.uid,
    spec: taskSpec as never,
    params: paramsOf(spec),
    workspaces,
    retryCount: 0,
    ...labelsOf(run),
    logDir: join(c.dir, run.name),
    signal: c.signal,
    resolver,
    ...(taskName !== undefined ? { taskName } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(typeof spec.serviceAccountName === 'string' ? { serviceAccountName: spec.serviceAccountName } : {}),
    objects: runObjects(c.plan.fileDocs),
    ...(isMap(spec.podTemplate) && Array.isArray(spec.podTemplate.volumes) ? { podVolumes: spec.podTemplate.volumes.filter(isMap) as unknown as Volume[] } : {}),
  };
}

/** The -f files' objects a run sees: on a cluster the same file applies them. */
function runObjects(fileDocs: readonly ResourceDoc[]): ResourceDoc[] {
  return fileDocs.filter((d) => d.kind === 'ConfigMap' || d.kind === 'Secret' || d.kind === 'ServiceAccount');
}

/** `spec.timeouts` (and the older `spec.timeout`), the override winning for the pipeline's. */
function timeoutsOf(spec: JsonMap, override: number | undefined): NonNullable<PipelineRunRequest['timeouts']> {
  const t = isMap(spec.timeouts) ? spec.timeouts : {};
  const timeouts: NonNullable<PipelineRunRequest['timeouts']> = {};
  const pipelineMs = override ?? (typeof t.pipeline === 'string' ? parseGoDuration(t.pipeline) : typeof spec.timeout === 'string' ? parseGoDuration(spec.timeout) : undefined);
  if (pipelineMs !== undefined) timeouts.pipelineMs = pipelineMs;
  if (typeof t.tasks === 'string') {
    const ms = parseGoDuration(t.tasks);
    if (ms !== undefined) timeouts.tasksMs = ms;
  }
  if (typeof t.finally === 'string') {
    const ms = parseGoDuration(t.finally);
    if (ms !== undefined) timeouts.finallyMs = ms;
  }
  return timeouts;
}

/** The PipelineRun's request, or why it cannot start. */
export function pipelineRunRequest(c: RequestContext, engine: { parallel: number; executeTaskRun: ExecuteTaskRun }): PipelineRunRequest | RequestRefusal {
  const { run } = c;
  const spec = run.resource.spec;
  const resolver = resolverFor(c.plan, run.doc);
  let pipelineSpec: JsonMap | undefined = isMap(spec.pipelineSpec) ? (spec.pipelineSpec as JsonMap) : undefined;
  let pipelineName: string | undefined;
  if (!pipelineSpec) {
    const ref = isMap(spec.pipelineRef) ? spec.pipelineRef : {};
    if (typeof ref.resolver === 'string') return refuse('CouldntGetPipeline', `remote resolution (resolver: ${ref.resolver}) does not run locally: put the Pipeline in the repository or in a -f file`);
    const p = typeof ref.name === 'string' ? resolver.pipeline(ref.name) : undefined;
    if (!p) return refuse('CouldntGetPipeline', `Error retrieving pipeline for pipelinerun ${run.namespace}/${run.name}: pipelines.tekton.dev "${String(ref.name)}" not found`);
    pipelineSpec = p.spec as unknown as JsonMap;
    pipelineName = p.name;
  }
  let workspaces: PipelineRunRequest['workspaces'];
  try {
    workspaces = bindPipelineRunWorkspaces(spec, { root: c.plan.root, runDir: c.dir, fileDocs: c.plan.fileDocs, hostDirs: run.hostDirs });
  } catch (e) {
    return refuse('InvalidWorkspaceBindings', (e as Error).message);
  }
  const t = isMap(spec.timeouts) ? spec.timeouts : {};
  const badTimeout = invalidTimeout([['spec.timeout', spec.timeout], ['spec.timeouts.pipeline', t.pipeline], ['spec.timeouts.tasks', t.tasks], ['spec.timeouts.finally', t.finally]]);
  if (badTimeout) return refuse('PipelineRunValidationFailed', badTimeout);
  const template = isMap(spec.taskRunTemplate) ? spec.taskRunTemplate : {};
  const sa = typeof template.serviceAccountName === 'string' ? template.serviceAccountName : typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : undefined;
  return {
    name: run.name,
    namespace: run.namespace,
    uid: c.uid,
    spec: pipelineSpec as never,
    params: paramsOf(spec),
    workspaces,
    timeouts: timeoutsOf(spec, c.timeoutMs),
    ...labelsOf(run),
    runDir: c.dir,
    signal: c.signal,
    parallel: engine.parallel,
    resolver,
    executeTaskRun: engine.executeTaskRun,
    ...(run.retryOf ? { reused: run.retryOf.reused } : {}),
    ...(pipelineName !== undefined ? { pipelineName } : {}),
    ...(Array.isArray(spec.taskRunSpecs) ? { taskRunSpecs: spec.taskRunSpecs as never } : {}),
    ...(sa !== undefined ? { serviceAccountName: sa } : {}),
    objects: runObjects(c.plan.fileDocs),
  };
}
