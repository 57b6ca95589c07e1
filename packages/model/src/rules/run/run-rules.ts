/** PipelineRun and TaskRun rules (docs/tekton-semantics.md §1, §6, §13, §15, §16). */
import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import { isTektonRef, scanRefs } from '../../tekton/refs.js';
import { isMap, type JsonMap, mapsOf, walkStrings } from '../../yaml/values.js';
import { checkParamBindings, checkWorkspaceBindings } from '../pipeline/pipeline-params.js';
import { everyAlternative, type Target, targetOf, unknownRefFieldHint, unknownRefFields } from '../pipeline/pipeline-target.js';
import { checkDuration, checkPipelineRunTimeouts } from './run-timeouts.js';
import { checkTaskSpec, podTemplateVolumes } from '../task/task-rules.js';

const SOURCES = ['emptyDir', 'persistentVolumeClaim', 'volumeClaimTemplate', 'configMap', 'secret', 'projected', 'csi'] as const;
const REQUIRED_SOURCE_FIELD: Partial<Record<(typeof SOURCES)[number], string>> = { persistentVolumeClaim: 'claimName', configMap: 'name', secret: 'secretName', csi: 'driver' };

/** Exactly one source per binding, with its required name; no duplicate binding names. */
function checkRunWorkspaces(ctx: DocContext, list: unknown): void {
  const seen = new Set<string>();
  for (const [b, i] of mapsOf(list)) {
    const p: NodePath = ['spec', 'workspaces', i];
    if (typeof b.name !== 'string' || b.name === '') {
      ctx.report('WORKSPACE_BINDING_INVALID', p, 'missing field(s): name (a workspace binding needs a name)');
    } else if (seen.has(b.name)) {
      ctx.report('WORKSPACE_BINDING_INVALID', [...p, 'name'], `workspace binding "${b.name}" is provided more than once`);
    } else seen.add(b.name);
    const present = SOURCES.filter((s) => b[s] !== undefined && b[s] !== null);
    if (present.length === 0) {
      ctx.report('WORKSPACE_BINDING_INVALID', b.name !== undefined ? [...p, 'name'] : p, `expected exactly one, got neither: ${SOURCES.join(', ')}`, { key: true });
      continue;
    }
    if (present.length > 1) {
      ctx.report('WORKSPACE_BINDING_INVALID', [...p, present[1]!], `expected exactly one, got both: ${present.join(', ')}`, { key: true });
      continue;
    }
    const src = present[0]!;
    const field = REQUIRED_SOURCE_FIELD[src];
    const v = b[src];
    if (field && (!isMap(v) || typeof v[field] !== 'string' || v[field] === '')) {
      ctx.report('WORKSPACE_BINDING_INVALID', [...p, src], `missing field(s): ${src}.${field}`, { key: true });
    }
  }
}

function checkRefOrSpec(ctx: DocContext, spec: JsonMap, refKey: string, specKey: string): boolean {
  const hasRef = spec[refKey] !== undefined && spec[refKey] !== null;
  const hasSpec = spec[specKey] !== undefined && spec[specKey] !== null;
  if (hasRef && hasSpec) {
    ctx.report('RUN_REF_OR_SPEC', ['spec', specKey], `expected exactly one, got both: spec.${refKey}, spec.${specKey}`, { key: true });
    return false;
  }
  if (!hasRef && !hasSpec) {
    ctx.report('RUN_REF_OR_SPEC', ['spec'], `expected exactly one, got neither: spec.${refKey}, spec.${specKey}`, { key: true });
    return false;
  }
  const key = hasRef ? refKey : specKey;
  if (!isMap(spec[key])) {
    ctx.report('RUN_REF_OR_SPEC', ['spec', key], `spec.${key} must be a map`);
    return false;
  }
  return true;
}

function checkRunRef(ctx: DocContext, target: Target, ref: unknown, refKey: string): void {
  if (!isMap(ref)) return;
  const p: NodePath = ['spec', refKey];
  for (const f of unknownRefFields(ref, refKey === 'taskRef' ? 'taskRef' : 'pipelineRef', ctx.value.apiVersion)) {
    ctx.report('RUN_REF_OR_SPEC', [...p, f], `unknown field "${f}" in ${refKey}`, { key: true, hint: unknownRefFieldHint(f) });
  }
  if (ref.resolver !== undefined && ref.name !== undefined) {
    ctx.report('RUN_REF_OR_SPEC', [...p, 'resolver'], `expected exactly one, got both: ${refKey}.name, ${refKey}.resolver`, { key: true });
  } else if (ref.resolver === undefined && ref.params !== undefined) {
    ctx.report('RUN_REF_OR_SPEC', [...p, 'params'], `missing field(s): ${refKey}.resolver (${refKey}.params are resolver params)`, { key: true });
  } else if (ref.resolver !== undefined && ref.params !== undefined) {
    ctx.report('FEATURE_FLAG_REQUIRED', [...p, 'params'], `${refKey}.resolver params (remote resolution) are gated by enable-api-fields "beta"`, { key: true, gate: { apiFields: 'beta' } });
  } else if (typeof ref.name === 'string' && ref.name.includes('://')) {
    ctx.report('FEATURE_FLAG_REQUIRED', [...p, 'name'], `concise resolver syntax in ${refKey}.name is an alpha feature`, { hint: 'set enable-concise-resolver-syntax: "true" in the feature-flags ConfigMap', gate: { flag: 'enable-concise-resolver-syntax' } });
  } else if (target.status === 'unresolved') {
    ctx.report('UNRESOLVED_TASK_REF', [...p, 'name'], `${target.kind} "${target.name}" is not defined in this repository`, { hint: 'add the resource, fix the name, or use a resolver for remote resources' });
  } else if (target.status === 'none' && ref.resolver === undefined && ref.bundle === undefined) {
    ctx.report('RUN_REF_OR_SPEC', p, `missing field(s): ${refKey}.name`, { key: true });
  }
}

function checkStatus(ctx: DocContext, spec: JsonMap, allowed: readonly string[]): void {
  if (spec.status !== undefined && (typeof spec.status !== 'string' || !allowed.includes(spec.status))) {
    ctx.report('RUN_SPEC_INVALID', ['spec', 'status'], `invalid value "${String(spec.status)}": spec.status must be one of ${allowed.join(', ')}`);
  }
  if (spec.statusMessage !== undefined && spec.status === undefined) {
    ctx.report('RUN_SPEC_INVALID', ['spec', 'statusMessage'], 'statusMessage should not be set if status is not set', { key: true });
  }
}

/** stepSpecs/sidecarSpecs: named and unique; computeResources not together with step-level resources. */
function checkOverrides(ctx: DocContext, s: JsonMap, path: NodePath): void {
  for (const key of ['stepSpecs', 'sidecarSpecs'] as const) {
    const seen = new Set<string>();
    for (const [o, i] of mapsOf(s[key])) {
      if (typeof o.name !== 'string' || o.name === '') ctx.report('RUN_SPEC_INVALID', [...path, key, i], `missing field(s): ${key}[${i}].name`);
      else if (seen.has(o.name)) ctx.report('RUN_SPEC_INVALID', [...path, key, i, 'name'], `${key} name "${o.name}" appears more than once`);
      else seen.add(o.name);
    }
  }
  if (s.computeResources !== undefined && mapsOf(s.stepSpecs).some(([o]) => o.computeResources !== undefined)) {
    ctx.report('RUN_SPEC_INVALID', [...path, 'computeResources'], 'computeResources cannot be used together with stepSpecs[].computeResources', { key: true });
  }
}

function runParamOpts(spec: JsonMap, target: Target, owner: string) {
  return {
    supplied: spec.params,
    path: ['spec', 'params'],
    target,
    owner,
    missingAt: spec.params !== undefined ? ['spec', 'params'] : target.path,
    caseInsensitive: true,
    requireValue: false,
    replaceObjects: target.kind === 'Pipeline',
  };
}

export const pipelineRunRule: DocRule = {
  id: 'pipelinerun',
  kinds: ['PipelineRun'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('RUN_REF_OR_SPEC', ['spec'], 'missing field(s): spec', { key: true });
      return;
    }
    const ok = checkRefOrSpec(ctx, spec, 'pipelineRef', 'pipelineSpec');
    const target = ok ? targetOf(ctx, spec, ['spec'], false) : undefined;
    if (target) checkRunRef(ctx, target, spec.pipelineRef, 'pipelineRef');
    // Result references are not available when a PipelineRun starts.
    for (const [p, i] of mapsOf(spec.params)) {
      walkStrings(p.value, ['spec', 'params', i, 'value'], (s, path) => {
        if (!s.includes('$(')) return;
        const refs = scanRefs(s);
        refs.forEach((r, j) => {
          if (!isTektonRef(r) || (r.segments[0] !== 'tasks' && r.segments[0] !== 'finally')) return;
          const occurrence = refs.slice(0, j).filter((x) => x.text === r.text).length;
          ctx.report('RESULT_REF_IN_RUN_PARAM', path, `cannot use result expressions in ${r.text} as PipelineRun parameter values`, { needle: r.text, occurrence });
        });
      });
    }
    const t = target ?? ({ kind: 'Pipeline', status: 'none', spec: undefined, path: ['spec'] } as Target);
    checkParamBindings(ctx, runParamOpts(spec, t, 'the PipelineRun'));
    checkRunWorkspaces(ctx, spec.workspaces);
    checkWorkspaceBindings(ctx, t, spec.workspaces, 'the PipelineRun', spec.workspaces !== undefined ? ['spec', 'workspaces'] : t.path);
    checkPipelineRunTimeouts(ctx, spec);
    checkStatus(ctx, spec, ['Cancelled', 'CancelledRunFinally', 'StoppedRunFinally', 'PipelineRunPending']);
    const taskNames = new Set<string>();
    if (t.spec) for (const sec of ['tasks', 'finally']) for (const [pt] of mapsOf(t.spec[sec])) if (typeof pt.name === 'string') taskNames.add(pt.name);
    for (const [s, i] of mapsOf(spec.taskRunSpecs)) {
      const p: NodePath = ['spec', 'taskRunSpecs', i];
      if (typeof s.pipelineTaskName !== 'string') ctx.report('RUN_SPEC_INVALID', p, 'missing field(s): pipelineTaskName');
      else if (t.spec && !taskNames.has(s.pipelineTaskName)) {
        ctx.report('RUN_SPEC_INVALID', [...p, 'pipelineTaskName'], `taskRunSpecs names pipeline task "${s.pipelineTaskName}", which the pipeline does not have`, { hint: taskNames.size > 0 ? `tasks: ${[...taskNames].join(', ')}` : undefined });
      }
      checkOverrides(ctx, s, p);
    }
  },
};

export const taskRunRule: DocRule = {
  id: 'taskrun',
  kinds: ['TaskRun'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('RUN_REF_OR_SPEC', ['spec'], 'missing field(s): spec', { key: true });
      return;
    }
    const ok = checkRefOrSpec(ctx, spec, 'taskRef', 'taskSpec');
    const target = ok ? targetOf(ctx, spec, ['spec'], false) : undefined;
    if (target) checkRunRef(ctx, target, spec.taskRef, 'taskRef');
    const t = target ?? ({ kind: 'Task', status: 'none', spec: undefined, path: ['spec'] } as Target);
    checkParamBindings(ctx, runParamOpts(spec, t, 'the TaskRun'));
    checkRunWorkspaces(ctx, spec.workspaces);
    checkWorkspaceBindings(ctx, t, spec.workspaces, 'the TaskRun', spec.workspaces !== undefined ? ['spec', 'workspaces'] : t.path);
    if (t.status === 'resolved' && t.spec) {
      // A referenced Task gets no propagated workspaces: a binding must match a declaration.
      const declared = new Set(mapsOf(t.spec.workspaces).map(([w]) => w.name));
      for (const [b, i] of mapsOf(spec.workspaces)) {
        const name = b.name;
        if (typeof name === 'string' && !declared.has(name) && everyAlternative(t, (s) => !mapsOf(s.workspaces).some(([w]) => w.name === name))) {
          ctx.report('WORKSPACE_BINDING_INVALID', ['spec', 'workspaces', i, 'name'], `workspace binding "${b.name}" does not match any declared workspace of Task "${t.name}"`);
        }
      }
    }
    checkDuration(ctx, spec.timeout, ['spec', 'timeout'], 'timeout');
    if (spec.retries !== undefined && (typeof spec.retries !== 'number' || spec.retries < 0)) {
      ctx.report('RUN_SPEC_INVALID', ['spec', 'retries'], `invalid value "${String(spec.retries)}": retries should be >= 0`);
    }
    checkStatus(ctx, spec, ['TaskRunCancelled', 'TaskRunPending']);
    checkOverrides(ctx, spec, ['spec']);
  },
};

/** Task rules over a TaskRun's embedded taskSpec: run params and bound workspaces are visible to it (propagation). */
export const taskRunEmbeddedSpecRule: DocRule = {
  id: 'taskrun-embedded-spec',
  kinds: ['TaskRun'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec) || !isMap(spec.taskSpec) || spec.taskRef !== undefined) return;
    checkTaskSpec(ctx, spec.taskSpec, ['spec', 'taskSpec'], {
      embedded: true,
      pipelineParams: Array.isArray(spec.params) ? spec.params : [],
      extraWorkspaces: mapsOf(spec.workspaces).flatMap(([b]) => (typeof b.name === 'string' ? [b.name] : [])),
      extraVolumes: podTemplateVolumes(spec.podTemplate),
    });
  },
};
