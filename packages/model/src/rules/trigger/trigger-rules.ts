/**
 * Tekton Triggers admission checks (tektoncd/triggers pkg/apis/triggers/v1beta1/*_validation.go):
 * EventListener, Trigger, TriggerBinding/ClusterTriggerBinding and TriggerTemplate shapes, plus
 * duplicate / valueless binding params and undeclared `$(tt.params.x)` references.
 */
import type { Code } from '../../check/codes.js';
import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import { isMap, type JsonMap } from '../../yaml/values.js';
import { checkParamSpecs } from '../params/params.js';

/** A Kubernetes label value: the trigger name becomes the `triggers.tekton.dev/trigger` label. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** What Triggers substitutes (and validates) in resource templates. */
export const TT_PARAM_REF = /\$\(tt\.params\.([_a-zA-Z][_a-zA-Z0-9.-]*)\)/g;
const LEGACY_INTERCEPTORS = ['github', 'gitlab', 'cel', 'bitbucket'] as const;

type Report = DocContext['report'];

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** Go's http.CanonicalHeaderKey: `content-type` → `Content-Type`; names with non-token bytes are returned unchanged. */
export function canonicalHeaderKey(s: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s)) return s;
  let upper = true;
  let out = '';
  for (const c of s) {
    out += upper ? c.toUpperCase() : c.toLowerCase();
    upper = c === '-';
  }
  return out;
}

/** Bindings of a trigger: `ref` (TriggerBinding/ClusterTriggerBinding) xor `name` + `value`. */
function checkBindings(report: Report, code: Code, bindings: unknown, path: NodePath): void {
  if (!present(bindings)) return;
  if (!Array.isArray(bindings)) {
    report(code, path, 'bindings must be a list');
    return;
  }
  bindings.forEach((b, i) => {
    const p = [...path, i];
    if (!isMap(b)) {
      report(code, p, `bindings[${i}] must be a map with ref, or name and value`);
      return;
    }
    if (present(b.ref) && typeof b.ref !== 'string') report(code, [...p, 'ref'], `bindings[${i}].ref must be a string`);
    else if (nonEmptyString(b.ref)) {
      if (nonEmptyString(b.name)) report(code, [...p, 'name'], `expected exactly one, got both: bindings[${i}].ref, bindings[${i}].name`, { key: true });
      else if (present(b.kind) && b.kind !== 'TriggerBinding' && b.kind !== 'ClusterTriggerBinding') {
        report(code, [...p, 'kind'], `invalid kind ${JSON.stringify(b.kind)} in bindings[${i}].kind`, { hint: 'use TriggerBinding or ClusterTriggerBinding' });
      }
    } else if (nonEmptyString(b.name)) {
      if (!present(b.value)) report(code, p, `missing field(s): bindings[${i}].value`, { hint: 'an inline binding needs name and value' });
    } else {
      report(code, p, `expected exactly one, got neither: bindings[${i}].ref, bindings[${i}].name`);
    }
  });
}

/** `template`: ref xor spec (v1alpha1 also accepts the deprecated `name`). */
function checkTemplateRef(ctx: DocContext, code: Code, template: unknown, path: NodePath): void {
  const { report } = ctx;
  if (!isMap(template)) {
    report(code, path, 'template must be a map with ref or spec');
    return;
  }
  const apiversion = template.apiversion ?? template.apiVersion;
  if (present(apiversion) && apiversion !== '' && apiversion !== 'v1alpha1' && apiversion !== 'v1beta1') {
    const k = template.apiversion !== undefined ? 'apiversion' : 'apiVersion';
    report(code, [...path, k], `invalid apiVersion ${JSON.stringify(apiversion)} in template`, { hint: 'use v1beta1 (or omit it)' });
  }
  const legacyName = ctx.doc.apiVersion === 'triggers.tekton.dev/v1alpha1' && nonEmptyString(template.name);
  const hasRef = present(template.ref) || legacyName;
  const hasSpec = present(template.spec);
  if (hasRef && hasSpec) report(code, [...path, 'spec'], 'expected exactly one, got both: template.spec, template.ref', { key: true });
  else if (!hasRef && !hasSpec) report(code, path, 'expected exactly one, got neither: template.spec, template.ref', { key: true });
  else if (hasSpec) checkTemplateSpec(ctx, code, template.spec, [...path, 'spec']);
  else if (!legacyName && !nonEmptyString(template.ref)) report(code, [...path, 'ref'], 'missing field(s): template.ref');
}

function checkInterceptors(ctx: DocContext, code: Code, interceptors: unknown, path: NodePath): void {
  const { report } = ctx;
  if (!present(interceptors)) return;
  if (!Array.isArray(interceptors)) {
    report(code, path, 'interceptors must be a list');
    return;
  }
  const v1alpha1 = ctx.doc.apiVersion === 'triggers.tekton.dev/v1alpha1';
  interceptors.forEach((it, i) => {
    const p = [...path, i];
    if (!isMap(it)) {
      report(code, p, `interceptor '${JSON.stringify(it)}' must be a valid value`);
      return;
    }
    const legacy = LEGACY_INTERCEPTORS.find((k) => present(it[k]));
    if (!present(it.webhook)) {
      const ref = it.ref;
      if (legacy && v1alpha1) return;
      if (!isMap(ref) || !nonEmptyString(ref.name)) {
        report(code, legacy ? [...p, legacy] : p, `missing field(s): interceptors[${i}].interceptor`, {
          key: legacy !== undefined,
          hint: legacy ? `"${legacy}:" is v1alpha1 syntax; in v1beta1 write ref: {name: ${legacy}} and params` : 'an interceptor needs ref.name or webhook',
        });
      }
      return;
    }
    const w = it.webhook;
    const wp = [...p, 'webhook'];
    if (!isMap(w)) {
      report(code, wp, 'webhook must be a map');
      return;
    }
    const obj = w.objectRef;
    if (!isMap(obj)) report(code, wp, `missing field(s): interceptors[${i}].webhook.objectRef`, { key: true, hint: 'objectRef: {kind: Service, apiVersion: v1, name: …}' });
    else {
      if (!nonEmptyString(obj.kind)) report(code, [...wp, 'objectRef'], 'missing field(s): webhook.objectRef.kind', { key: true });
      else if (obj.kind !== 'Service') report(code, [...wp, 'objectRef', 'kind'], `invalid kind ${JSON.stringify(obj.kind)}: webhook.objectRef.kind must be Service`);
      if (!nonEmptyString(obj.apiVersion)) report(code, [...wp, 'objectRef'], 'missing field(s): webhook.objectRef.apiVersion', { key: true });
      else if (obj.apiVersion !== 'v1') report(code, [...wp, 'objectRef', 'apiVersion'], `invalid apiVersion ${JSON.stringify(obj.apiVersion)}: webhook.objectRef.apiVersion must be v1`);
    }
    if (present(w.header) && !Array.isArray(w.header)) report(code, [...wp, 'header'], 'webhook.header must be a list');
    else if (Array.isArray(w.header)) {
      w.header.forEach((h, j) => {
        const hp = [...wp, 'header', j];
        if (!isMap(h)) {
          report(code, hp, 'a header must be a map with name and value');
          return;
        }
        const name = h.name;
        if (!nonEmptyString(name) || canonicalHeaderKey(name) !== name) {
          report(code, nonEmptyString(name) ? [...hp, 'name'] : hp, `invalid header name ${JSON.stringify(name ?? '')}`, {
            hint: nonEmptyString(name) ? `header names must be canonical: ${canonicalHeaderKey(name)}` : 'a header needs a name',
          });
        }
        const v = h.value;
        const empty = Array.isArray(v) ? v.length === 0 : !present(v) || v === '';
        if (empty) report(code, present(v) ? [...hp, 'value'] : hp, `invalid header value for ${JSON.stringify(name ?? '')}: must not be empty`);
      });
    }
  });
}

/** The spec shared by Trigger and an EventListener's inline triggers. */
function checkTriggerSpec(ctx: DocContext, code: Code, spec: JsonMap, path: NodePath): void {
  checkBindings(ctx.report, code, spec.bindings, [...path, 'bindings']);
  checkInterceptors(ctx, code, spec.interceptors, [...path, 'interceptors']);
}

/** TriggerTemplate spec (also an inline `template.spec`): resourcetemplates with kind/apiVersion, declared `$(tt.params.x)`. */
function checkTemplateSpec(ctx: DocContext, code: Code, spec: unknown, path: NodePath): void {
  const { report } = ctx;
  if (!isMap(spec) || Object.keys(spec).length === 0) {
    report(code, path, 'missing field(s): spec', { key: true });
    return;
  }
  const rts = spec.resourcetemplates;
  if (!Array.isArray(rts) || rts.length === 0) {
    const misspelt = Object.keys(spec).find((k) => k !== 'resourcetemplates' && k.toLowerCase() === 'resourcetemplates');
    if (present(rts) && !Array.isArray(rts)) report(code, [...path, 'resourcetemplates'], 'resourcetemplates must be a list');
    else report(code, misspelt ? [...path, misspelt] : path, 'missing field(s): resourcetemplates', {
      key: true,
      hint: misspelt ? `the field is spelt "resourcetemplates" (all lower case); "${misspelt}" is ignored` : 'a template needs at least one resource',
    });
  }
  const declared = checkParamSpecs(ctx, spec.params, [...path, 'params'], { kind: 'TriggerTemplate' });
  if (!Array.isArray(rts)) return;
  rts.forEach((rt, i) => {
    const p = [...path, 'resourcetemplates', i];
    if (!isMap(rt)) {
      report(code, p, `resourcetemplates[${i}] must be a Kubernetes resource (a map)`);
      return;
    }
    if (!nonEmptyString(rt.apiVersion)) report(code, p, `missing field(s): resourcetemplates[${i}].apiVersion`);
    if (!nonEmptyString(rt.kind)) report(code, p, `missing field(s): resourcetemplates[${i}].kind`);
    walkTemplateStrings(rt, p, (s, sp) => {
      if (!s.includes('$(tt.')) return;
      const seen = new Map<string, number>();
      for (const m of s.matchAll(TT_PARAM_REF)) {
        const text = m[0];
        const occurrence = seen.get(text) ?? 0;
        seen.set(text, occurrence + 1);
        const name = m[1]!;
        if (declared.has(name)) continue;
        report('UNDEFINED_PARAM_REFERENCE', sp, `undeclared param '${text}'`, {
          needle: text,
          occurrence,
          hint: `'${text}' must be declared in spec.params`,
        });
      }
    });
  });
}

function walkTemplateStrings(v: unknown, path: (string | number)[], cb: (s: string, path: (string | number)[]) => void): void {
  if (typeof v === 'string') cb(v, path);
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) walkTemplateStrings(v[i], [...path, i], cb);
  else if (isMap(v)) for (const k of Object.keys(v)) walkTemplateStrings(v[k], [...path, k], cb);
}

export const eventListenerRule: DocRule = {
  id: 'eventlistener-invalid',
  kinds: ['EventListener'],
  check(ctx) {
    const { value, report } = ctx;
    const code = 'EVENTLISTENER_INVALID';
    const spec = isMap(value.spec) ? value.spec : {};
    const triggers = spec.triggers;
    const groups = spec.triggerGroups;
    const nsNames = isMap(spec.namespaceSelector) ? spec.namespaceSelector.matchNames : undefined;
    const some = (v: unknown) => Array.isArray(v) && v.length > 0;
    if (!present(spec.labelSelector) && !some(nsNames) && !some(groups) && !some(triggers)) {
      report(code, ['spec'], 'expected exactly one, got neither: spec.labelSelector, spec.namespaceSelector, spec.triggerGroups, spec.triggers', { key: true });
      return;
    }
    if (present(triggers) && !Array.isArray(triggers)) report(code, ['spec', 'triggers'], 'spec.triggers must be a list');
    if (Array.isArray(triggers)) {
      triggers.forEach((t, i) => {
        const p = ['spec', 'triggers', i];
        if (!isMap(t)) {
          report(code, p, `spec.triggers[${i}] must be a map`);
          return;
        }
        const hasRef = nonEmptyString(t.triggerRef);
        if (!present(t.template) && !hasRef) report(code, p, 'expected exactly one, got neither: template, triggerRef');
        if (hasRef && (present(t.template) || present(t.bindings) || present(t.interceptors))) {
          const other = ['template', 'bindings', 'interceptors'].find((k) => present(t[k]))!;
          report(code, [...p, other], 'expected exactly one, got both: triggerRef, template or bindings or interceptors', { key: true, hint: 'a triggerRef brings its own bindings, template and interceptors' });
        }
        if (present(t.template)) checkTemplateRef(ctx, code, t.template, [...p, 'template']);
        checkTriggerSpec(ctx, code, t, p);
        if (present(t.name) && (typeof t.name !== 'string' || !LABEL_VALUE.test(t.name) || t.name.length > 63)) {
          report(code, [...p, 'name'], `trigger name '${String(t.name)}' must be a valid label value`, { hint: 'at most 63 characters: letters, digits, -, _ and ., starting and ending with a letter or digit' });
        }
      });
    }
    const res = spec.resources;
    if (isMap(res)) {
      if (present(res.kubernetesResource) && present(res.customResource)) {
        report(code, ['spec', 'resources', 'customResource'], 'expected exactly one, got both: spec.resources.kubernetesResource, spec.resources.customResource', { key: true });
      }
      const k8s = res.kubernetesResource;
      if (isMap(k8s)) {
        const kp = ['spec', 'resources', 'kubernetesResource'];
        if (typeof k8s.replicas === 'number' && k8s.replicas < 0) report(code, [...kp, 'replicas'], `invalid value: ${k8s.replicas}: spec.replicas must not be negative`);
        const podSpec = isMap(k8s.spec) && isMap(k8s.spec.template) ? k8s.spec.template.spec : undefined;
        if (isMap(podSpec) && Array.isArray(podSpec.containers) && podSpec.containers.length > 1) {
          report(code, [...kp, 'spec', 'template', 'spec', 'containers'], 'expected exactly one, got multiple: containers', { key: true });
        }
      }
    }
    if (Array.isArray(groups)) {
      groups.forEach((g, i) => {
        const p = ['spec', 'triggerGroups', i];
        if (!isMap(g)) {
          report(code, p, `spec.triggerGroups[${i}] must be a map`);
          return;
        }
        const sel = g.triggerSelector;
        const selNames = isMap(sel) && isMap(sel.namespaceSelector) ? sel.namespaceSelector.matchNames : undefined;
        if (!isMap(sel) || (!present(sel.labelSelector) && !some(selNames))) {
          report(code, isMap(sel) ? [...p, 'triggerSelector'] : p, 'expected exactly one, got neither: triggerSelector.labelSelector, triggerSelector.namespaceSelector', { key: isMap(sel) });
        }
        if (!some(g.interceptors)) report(code, p, `missing field(s): spec.triggerGroups[${i}].interceptors`);
        else checkInterceptors(ctx, code, g.interceptors, [...p, 'interceptors']);
      });
    }
  },
};

export const triggerRule: DocRule = {
  id: 'trigger-invalid',
  kinds: ['Trigger'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec)) {
      ctx.report('TRIGGER_INVALID', ['spec'], 'missing field(s): spec', { key: true });
      return;
    }
    if (!present(spec.template)) ctx.report('TRIGGER_INVALID', ['spec'], 'expected exactly one, got neither: template.spec, template.ref', { key: true });
    else checkTemplateRef(ctx, 'TRIGGER_INVALID', spec.template, ['spec', 'template']);
    checkTriggerSpec(ctx, 'TRIGGER_INVALID', spec, ['spec']);
  },
};

/** Offset of the first `$(` whose expression is not closed before the next `$(` or the end, else -1. */
export function unbalancedExpression(s: string): number {
  let i = s.indexOf('$(');
  while (i >= 0) {
    const next = s.indexOf('$(', i + 2);
    const end = next < 0 ? s.length : next;
    let depth = 0;
    let closed = false;
    for (let j = i + 2; j < end; j++) {
      const c = s[j];
      if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth < 0) {
          closed = true;
          break;
        }
      }
    }
    if (!closed) return i;
    i = next;
  }
  return -1;
}

export const triggerBindingRule: DocRule = {
  id: 'trigger-binding-invalid',
  kinds: ['TriggerBinding', 'ClusterTriggerBinding'],
  check({ value, report }) {
    const code = 'TRIGGER_BINDING_INVALID';
    const spec = value.spec;
    const params = isMap(spec) ? spec.params : undefined;
    if (!isMap(spec) || !Array.isArray(params) || params.length === 0) {
      if (isMap(spec) && present(params) && !Array.isArray(params)) report(code, ['spec', 'params'], 'spec.params must be a list');
      else report(code, ['spec'], 'missing field(s): spec.params', { key: true, hint: 'a binding with no params binds nothing' });
      return;
    }
    const seen = new Set<string>();
    params.forEach((p, i) => {
      const pp = ['spec', 'params', i];
      if (!isMap(p)) {
        report(code, pp, `spec.params[${i}] must be a map with name and value`);
        return;
      }
      if (!nonEmptyString(p.name)) report(code, present(p.name) ? [...pp, 'name'] : pp, `missing field(s): spec.params[${i}].name`);
      else if (seen.has(p.name)) report('DUPLICATE_PARAM', [...pp, 'name'], `parameter "${p.name}" appears more than once`);
      else seen.add(p.name);
      if (!present(p.value)) {
        report('PARAM_MISSING_VALUE', pp, `param "${String(p.name ?? i)}" has no value`, { hint: 'a binding param needs value: e.g. $(body.repository.url)' });
      } else if (typeof p.value !== 'string') {
        report(code, [...pp, 'value'], `spec.params[${i}].value must be a string`, { hint: 'quote it' });
      } else {
        const at = unbalancedExpression(p.value);
        if (at >= 0) {
          const before = p.value.slice(0, at).split('$(').length - 1;
          report(code, [...pp, 'value'], `invalid value: ${p.value}: "$(" is not closed`, { needle: '$(', occurrence: before });
        }
      }
    });
  },
};

export const triggerTemplateRule: DocRule = {
  id: 'trigger-template-invalid',
  kinds: ['TriggerTemplate'],
  check(ctx) {
    checkTemplateSpec(ctx, 'TRIGGER_TEMPLATE_INVALID', ctx.value.spec, ['spec']);
  },
};

export const TRIGGER_RULES: readonly DocRule[] = [eventListenerRule, triggerRule, triggerBindingRule, triggerTemplateRule];
