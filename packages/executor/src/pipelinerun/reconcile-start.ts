/**
 * Starting a pipeline task (pipelinerun.go runNextSchedulableTask → createTaskRuns / a child
 * PipelineRun): its TaskRuns (one per matrix combination) or its child PipelineRun, in the
 * background; the task's outcome, results and reason land on its node, then the loop is woken.
 */
import { fanOut, hasMatrix, parseGoDuration, type PipelineTask, type TaskSpec } from '@plumbing/model';
import { childRequest } from './pipeline-child.js';
import { artifactsTable } from './pipeline-resolve.js';
import { outcomeOf, resultsOf, runPipelineTaskRuns, succeededCondition, taskRunNames } from './pipeline-taskruns.js';
import { substDeep } from './pipeline-vars.js';
import { cancelAll, type Node, type RunState } from './reconcile-state.js';

/** The task spec a pipeline task runs: its embedded taskSpec (without apiVersion/kind/metadata), else the referenced Task's. */
export function taskSpecOf(n: Node, pt: PipelineTask): TaskSpec | undefined {
  if (!n.prep.task) return undefined;
  return pt.taskSpec ? (({ apiVersion: _a, kind: _k, metadata: _m, ...s }) => s)(pt.taskSpec) : n.prep.task.spec;
}

/** Explicit TaskRun timeout (taskRunSpecs > task), else what is left of the pipeline's (the pipeline timer wins). */
function timeoutFor(s: RunState, pt: PipelineTask): number | undefined {
  const trSpec = (s.req.taskRunSpecs ?? []).find((x) => x.pipelineTaskName === pt.name);
  const timeoutText = trSpec?.timeout ?? pt.timeout;
  const explicit = timeoutText === undefined ? undefined : parseGoDuration(timeoutText);
  if (explicit !== undefined) return explicit;
  if (s.pipelineMs === 0) return 0;
  return Math.max(1000, s.pipelineMs - (Date.now() - s.startedAt) + 1000);
}

async function runChildPipeline(s: RunState, n: Node, pt: PipelineTask, signal: AbortSignal, pipeline: NonNullable<Node['prep']['pipeline']>): Promise<void> {
  const childName = taskRunNames(s.req.name, n.name, undefined)[0] as string;
  s.childReferences.push({ kind: 'PipelineRun', name: childName, pipelineTaskName: n.name });
  const child = await s.runChild(childRequest(s.req, childName, pipeline, pt, signal));
  s.childPipelineRuns.push({ name: childName, pipelineTaskName: n.name, status: child });
  n.runs = child.taskRuns;
  const c = child.conditions.find((x) => x.type === 'Succeeded');
  n.outcome = c?.status === 'True' ? 'succeeded' : c?.reason === 'Cancelled' ? 'cancelled' : pt.onError === 'continue' ? 'ignored' : 'failed';
  n.reason = c?.reason ?? '';
}

async function runTaskRuns(s: RunState, n: Node, pt: PipelineTask, signal: AbortSignal): Promise<void> {
  const task = n.prep.task;
  if (!task) throw new Error(`pipeline task ${n.name} has neither a task nor a pipeline`);
  const combos = hasMatrix(pt.matrix) ? fanOut(pt.matrix) : undefined;
  const timeoutMs = timeoutFor(s, pt);
  // a referenced Task's spec gets the artifacts of earlier tasks too (PropagateArtifacts works on the resolved spec)
  const spec = substDeep(taskSpecOf(n, pt) as TaskSpec, artifactsTable(s.nodes));
  const runs = await runPipelineTaskRuns(
    s.ctx,
    {
      pt,
      spec,
      isFinally: n.isFinally,
      ...(task.name !== undefined ? { taskName: task.name } : {}),
      ...(combos ? { combinations: combos } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    },
    signal,
    (names) => {
      for (const name of names) s.childReferences.push({ kind: 'TaskRun', name, pipelineTaskName: n.name });
    },
  );
  n.runs = runs;
  n.outcome = outcomeOf(runs, pt);
  n.results = resultsOf(runs, combos !== undefined);
  if (combos) n.matrixLength = combos.length;
  const first = runs.find((r) => succeededCondition(r.status)?.status === 'False') ?? runs[0];
  n.reason = first ? (succeededCondition(first.status)?.reason ?? '') : '';
}

/** Starts the pipeline task in the background; an engine error cancels the whole run and is rethrown at its end. */
export function startTask(s: RunState, n: Node, pt: PipelineTask): void {
  n.state = 'running';
  const signal = n.isFinally ? s.finCtl.signal : s.dagCtl.signal;
  const pipeline = n.prep.pipeline;
  const work = pipeline ? runChildPipeline(s, n, pt, signal, pipeline) : runTaskRuns(s, n, pt, signal);
  work
    .catch((e: unknown) => {
      s.fatal ??= e;
      cancelAll(s);
      n.outcome = 'cancelled';
    })
    .finally(() => {
      n.state = 'done';
      s.wake.notify();
    });
}
