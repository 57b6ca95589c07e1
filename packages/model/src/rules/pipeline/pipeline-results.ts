/** `$(tasks.*)` / `$(finally.*)` references: results, execution status, matrix, child pipelines, pipeline results. */
import type { Code } from '../../check/codes.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { mapsOf } from '../../yaml/values.js';
import { skippableTasks } from './dag.js';
import type { PipelineModel, PTask, RefSite, TaskVar } from './pipeline-model.js';
import { taskVar } from './pipeline-model.js';
import { declaredResults, targetOf } from './pipeline-target.js';
import { didYouMean } from '../../check/suggest.js';

function rep(ctx: DocContext, code: Code, r: RefSite, message: string, hint?: string): void {
  ctx.report(code, r.path, message, { needle: r.ref.text, occurrence: r.occurrence, hint });
}

/** Results declared by each pipeline task's Task (undefined when it cannot be known). */
function resultsLookup(ctx: DocContext): (t: PTask) => Map<string, ParamType> | undefined {
  const cache = new Map<PTask, Map<string, ParamType> | undefined>();
  return (t) => {
    if (cache.has(t)) return cache.get(t);
    const target = targetOf(ctx, t.value, t.path, true);
    const r = target.status === 'embedded' || target.status === 'resolved' ? declaredResults(target.spec) : undefined;
    cache.set(t, r);
    return r;
  };
}

export function checkTaskRefs(ctx: DocContext, m: PipelineModel): void {
  const results = resultsLookup(ctx);
  let skippable: ((name: string) => boolean) | undefined;
  for (const t of m.tasks) {
    for (const list of [t.refs, t.specRefs]) {
      for (const r of list) {
        const v = taskVar(r.ref);
        if (!v) continue;
        if (v.root === 'finally') continue; // only meaningful in pipeline results; the prefix rule covers misuse
        if (v.kind === 'aggregate' || v.kind === 'status' || v.kind === 'reason') {
          checkStatus(ctx, m, t, r, v);
          continue;
        }
        const name = v.task;
        if (name === undefined) continue;
        const producer = m.dag.get(name);
        if (!producer) {
          if (m.fin.has(name) && v.kind === 'result' && t.section === 'finally') {
            rep(ctx, 'FINALLY_RESULT_FROM_FINALLY', r, `invalid task result reference, final task ${t.name ?? t.index} has task result reference from a final task ${name}`, 'finally tasks run in parallel: pass the value through a DAG task');
          } else if (m.fin.has(name)) {
            rep(ctx, 'RESULT_REF_UNKNOWN_TASK', r, `task ${t.name ?? t.index} depends on ${name} but ${name} is a finally task`, 'DAG tasks cannot use results of finally tasks');
          } else {
            rep(ctx, 'RESULT_REF_UNKNOWN_TASK', r, `${t.section === 'finally' ? 'final task' : 'task'} ${t.name ?? t.index} has a task reference to ${name}, which is not defined in the pipeline`, didYouMean(name, m.dag.keys()));
          }
          continue;
        }
        if (v.kind !== 'result' || v.result === undefined) continue;
        if (producer.child) {
          rep(ctx, 'CHILD_PIPELINE_RESULT_REF', r, `pipeline task ${name} runs a pipeline (pipelineRef/pipelineSpec): its results cannot be referenced`);
          continue;
        }
        const declared = results(producer);
        const type = declared?.get(v.result);
        if (declared && type === undefined) {
          rep(ctx, 'UNDEFINED_TASK_RESULT', r, `"${v.result}" is not a named result returned by pipeline task "${name}"`, declared.size > 0 ? didYouMean(v.result, declared.keys(), `declared results: ${[...declared.keys()].join(', ')}`) : `the task of "${name}" declares no results`);
          continue;
        }
        if (producer.matrixed) {
          if (r.ref.index !== '[*]') rep(ctx, 'MATRIX_RESULT_USAGE', r, `task ${name} is matrixed: its result "${v.result}" is an array of every combination's value and must be consumed whole with [*]`, `use $(tasks.${name}.results.${v.result}[*])`);
          else if (type !== undefined && type !== 'string') rep(ctx, 'MATRIX_RESULT_USAGE', r, `task ${name} is matrixed: only string results can be consumed, "${v.result}" is ${type}`);
        }
        if (t.section === 'finally') {
          skippable ??= skippableTasks(m);
          if (skippable(name)) {
            rep(ctx, 'FINALLY_USES_SKIPPABLE_RESULT', r, `final task ${t.name ?? t.index} uses result "${v.result}" of ${name}, which is skipped when its when expressions (or a parent's) are false: the final task is then skipped (Results were missing)`, 'give the consumer a default, or check $(tasks.<name>.status) before using the result');
          }
        }
      }
    }
  }
}

function checkStatus(ctx: DocContext, m: PipelineModel, t: PTask, r: RefSite, v: TaskVar): void {
  if (t.section === 'tasks') {
    rep(ctx, 'EXECUTION_STATUS_MISUSE', r, `pipeline tasks can not refer to execution status of any other pipeline task or aggregate status of tasks (${r.ref.text})`, 'use it in a finally task');
    return;
  }
  if (r.field === 'taskSpec') {
    rep(ctx, 'EXECUTION_STATUS_MISUSE', r, `${r.ref.text} is only substituted in a finally task's params and when expressions, not inside its taskSpec`, 'pass it through a param');
    return;
  }
  if (v.kind !== 'aggregate' && (v.task === undefined || !m.dag.has(v.task))) {
    rep(ctx, 'EXECUTION_STATUS_MISUSE', r, `pipeline task ${v.task ?? ''} is not defined in the pipeline${v.task && m.fin.has(v.task) ? ' (finally tasks have no execution status)' : ''}`);
  }
}

/** Pipeline results: values must be task result expressions naming existing tasks and declared results. */
export function checkPipelineResults(ctx: DocContext, m: PipelineModel): void {
  const results = resultsLookup(ctx);
  const byPath = new Map<string, RefSite[]>();
  for (const r of m.resultRefs) {
    const k = String(r.path[m.path.length + 1]);
    const l = byPath.get(k);
    if (l) l.push(r);
    else byPath.set(k, [r]);
  }
  for (const [res, i] of mapsOf(m.spec.results)) {
    const p = [...m.path, 'results', i];
    const refs = byPath.get(String(i)) ?? [];
    const resultRefs = refs.filter((r) => taskVar(r.ref)?.kind === 'result');
    if (res.value === undefined || res.value === null) {
      ctx.report('PIPELINE_RESULT_INVALID', p, `missing field(s): value (pipeline result ${String(res.name ?? i)})`);
      continue;
    }
    if (resultRefs.length === 0) {
      ctx.report('PIPELINE_RESULT_INVALID', [...p, 'value'], 'expected pipeline results to be task result expressions but no $(tasks.<task>.results.<result>) or $(finally.<task>.results.<result>) was found');
      continue;
    }
    for (const r of resultRefs) {
      const v = taskVar(r.ref)!;
      const pool = v.root === 'tasks' ? m.dag : m.fin;
      const producer = v.task === undefined ? undefined : pool.get(v.task);
      if (!producer) {
        const other = v.task !== undefined && (v.root === 'tasks' ? m.fin : m.dag).has(v.task);
        rep(ctx, 'PIPELINE_RESULT_INVALID', r, `pipeline result is referencing a nonexistent task ${v.task ?? ''}`, other ? `${v.task} is a ${v.root === 'tasks' ? 'finally' : 'DAG'} task: use $(${v.root === 'tasks' ? 'finally' : 'tasks'}.${v.task}.results.…)` : undefined);
        continue;
      }
      if (producer.child || v.result === undefined) continue;
      const declared = results(producer);
      if (declared && !declared.has(v.result)) {
        rep(ctx, 'UNDEFINED_TASK_RESULT', r, `"${v.result}" is not a named result returned by pipeline task "${v.task}"`, declared.size > 0 ? `declared results: ${[...declared.keys()].join(', ')}` : undefined);
      }
    }
  }
}
