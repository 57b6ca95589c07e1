/**
 * Cross-document Triggers checks: references that do not resolve in the repository
 * (EventListener/Trigger → Trigger, TriggerBinding, ClusterTriggerBinding, TriggerTemplate;
 * TriggerTemplate → Pipeline), binding params the template drops, and what a template's
 * PipelineRun fails to supply to its Pipeline.
 */
import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import type { ResourceDoc } from '../../yaml/source.js';
import { isMap, type JsonMap } from '../../yaml/values.js';

function refName(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && !v.includes('$(') ? v : undefined;
}

function namesOf(list: unknown): string[] {
  const out: string[] = [];
  if (Array.isArray(list)) for (const p of list) if (isMap(p) && typeof p.name === 'string') out.push(p.name);
  return out;
}

function specOf(doc: ResourceDoc | undefined): JsonMap | undefined {
  return doc && isMap(doc.value) && isMap(doc.value.spec) ? doc.value.spec : undefined;
}

/** One trigger (a Trigger's spec, or an EventListener's inline trigger) at `path`. */
function checkTrigger(ctx: DocContext, t: JsonMap, path: NodePath): void {
  const { doc, index, report } = ctx;
  // The template, and the params it declares (undefined: unknown, so no param check).
  let declared: Set<string> | undefined;
  const tpl = t.template;
  if (isMap(tpl)) {
    const legacy = doc.apiVersion === 'triggers.tekton.dev/v1alpha1' && tpl.ref === undefined ? 'name' : 'ref';
    const name = refName(tpl[legacy]);
    if (name) {
      const found = index.resolve('TriggerTemplate', name, doc);
      if (!found) report('UNRESOLVED_TRIGGER_REF', [...path, 'template', legacy], `TriggerTemplate "${name}" is not defined in the repository`);
      else declared = declaredParams(specOf(found));
    } else if (isMap(tpl.spec) && tpl.ref === undefined) declared = declaredParams(tpl.spec);
  }
  const bindings = t.bindings;
  if (!Array.isArray(bindings)) return;
  bindings.forEach((b, i) => {
    if (!isMap(b)) return;
    const bp = [...path, 'bindings', i];
    const name = refName(b.ref);
    if (name) {
      const kind = b.kind === undefined || b.kind === null || b.kind === '' ? 'TriggerBinding' : b.kind;
      if (kind !== 'TriggerBinding' && kind !== 'ClusterTriggerBinding') return;
      const found = index.resolve(kind, name, doc);
      if (!found) {
        report('UNRESOLVED_TRIGGER_REF', [...bp, 'ref'], `${kind} "${name}" is not defined in the repository`);
        return;
      }
      if (!declared) return;
      const extra = namesOf(specOf(found)?.params).filter((p) => !declared.has(p));
      if (extra.length > 0) {
        const list = extra.map((p) => `"${p}"`).join(', ');
        report('TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE', [...bp, 'ref'], `${kind} "${name}" binds ${list}, which the template does not declare (dropped at run time)`, {
          hint: 'declare the param in the TriggerTemplate spec.params, or remove it from the binding',
        });
      }
    } else if (typeof b.name === 'string' && b.name !== '' && b.ref === undefined && declared && !declared.has(b.name)) {
      report('TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE', [...bp, 'name'], `binding param "${b.name}" is not declared by the template (dropped at run time)`, {
        hint: 'declare the param in the TriggerTemplate spec.params, or remove the binding',
      });
    }
  });
}

function declaredParams(spec: JsonMap | undefined): Set<string> | undefined {
  if (!spec) return undefined;
  if (spec.params !== undefined && spec.params !== null && !Array.isArray(spec.params)) return undefined;
  return new Set(namesOf(spec.params));
}

export const triggerRefsRule: DocRule = {
  id: 'unresolved-trigger-ref',
  kinds: ['EventListener', 'Trigger'],
  check(ctx) {
    const { value, doc, index, report } = ctx;
    const spec = value.spec;
    if (!isMap(spec)) return;
    if (doc.kind === 'Trigger') {
      checkTrigger(ctx, spec, ['spec']);
      return;
    }
    if (!Array.isArray(spec.triggers)) return;
    spec.triggers.forEach((t, i) => {
      if (!isMap(t)) return;
      const name = refName(t.triggerRef);
      if (name) {
        if (!index.resolve('Trigger', name, doc)) report('UNRESOLVED_TRIGGER_REF', ['spec', 'triggers', i, 'triggerRef'], `Trigger "${name}" is not defined in the repository`);
        return;
      }
      checkTrigger(ctx, t, ['spec', 'triggers', i]);
    });
  },
};

/** A TriggerTemplate's PipelineRuns: the Pipeline exists, and gets its required params and workspaces. */
export const triggerTemplatePipelineRule: DocRule = {
  id: 'trigger-template-pipeline',
  kinds: ['TriggerTemplate'],
  check({ value, doc, index, report }) {
    const spec = value.spec;
    if (!isMap(spec) || !Array.isArray(spec.resourcetemplates)) return;
    spec.resourcetemplates.forEach((rt, i) => {
      if (!isMap(rt) || rt.kind !== 'PipelineRun' || !isMap(rt.spec)) return;
      const runSpec = rt.spec;
      const ref = runSpec.pipelineRef;
      if (!isMap(ref) || ref.resolver !== undefined || ref.bundle !== undefined) return;
      const name = refName(ref.name);
      if (!name) return;
      const rp = ['spec', 'resourcetemplates', i, 'spec'];
      const pipeline = index.resolve('Pipeline', name, doc);
      if (!pipeline) {
        report('UNRESOLVED_TRIGGER_REF', [...rp, 'pipelineRef', 'name'], `Pipeline "${name}" is not defined in the repository`);
        return;
      }
      const pspec = specOf(pipeline);
      if (!pspec) return;
      const supplied = new Set(namesOf(runSpec.params));
      const missingParams: string[] = [];
      if (Array.isArray(pspec.params)) {
        for (const p of pspec.params) {
          if (isMap(p) && typeof p.name === 'string' && p.default === undefined && !supplied.has(p.name)) missingParams.push(p.name);
        }
      }
      if (missingParams.length > 0) {
        const at = runSpec.params !== undefined ? [...rp, 'params'] : [...rp, 'pipelineRef'];
        report('MISSING_REQUIRED_PARAM', at, `PipelineRun of Pipeline "${name}" is missing parameters without default: ${missingParams.join(', ')}`, {
          key: true,
          hint: 'pass them in the template (e.g. value: $(tt.params.x)) or give them a default in the Pipeline',
        });
      }
      const bound = new Set(namesOf(runSpec.workspaces));
      const missingWs: string[] = [];
      if (Array.isArray(pspec.workspaces)) {
        for (const w of pspec.workspaces) {
          if (isMap(w) && typeof w.name === 'string' && w.optional !== true && !bound.has(w.name)) missingWs.push(w.name);
        }
      }
      if (missingWs.length > 0) {
        const at = runSpec.workspaces !== undefined ? [...rp, 'workspaces'] : [...rp, 'pipelineRef'];
        report('MISSING_REQUIRED_WORKSPACE', at, `pipeline requires workspace with name ${missingWs.map((w) => `"${w}"`).join(', ')} be provided by pipelinerun`, {
          key: true,
          hint: 'bind it in the template (e.g. volumeClaimTemplate or emptyDir)',
        });
      }
    });
  },
};

export const TRIGGER_REF_RULES: readonly DocRule[] = [triggerRefsRule, triggerTemplatePipelineRule];
