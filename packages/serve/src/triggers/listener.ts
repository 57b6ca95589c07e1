/**
 * An EventListener of the cluster's config, resolved once (triggers by ref and inline, bindings
 * and templates by ref and inline), then run against one event with Triggers' semantics: each
 * trigger's interceptors in order (a `continue: false` stops that trigger only), then its
 * bindings and template.
 */
import { isMap, type JsonMap, PlumbingError, type ResourceDoc } from '@plumbing/model';
import type { SecretReader } from './cel-env.js';
import { celInterceptor, githubInterceptor, githubSecretRef, type InterceptorRequest, type InterceptorResponse, interceptorName } from './interceptors.js';
import { type BindingParam, renderTemplate, resolveBindings } from './template.js';

export interface ResolvedTrigger {
  name: string;
  interceptors: JsonMap[];
  bindings: BindingParam[];
  template: JsonMap;
}

export interface ResolvedListener {
  name: string;
  namespace: string;
  uid: string;
  triggers: ResolvedTrigger[];
}

export interface TriggerOutcome {
  trigger: string;
  /** Why the trigger stopped (an interceptor said no, or a binding failed). */
  message?: string;
  resources: JsonMap[];
}

/** Looks up resources by kind and name among the cluster's documents. */
export type Lookup = (kind: string, name: string) => ResourceDoc | undefined;

function spec(doc: ResourceDoc): JsonMap {
  const v = doc.value;
  return isMap(v) && isMap(v.spec) ? v.spec : {};
}

function need(lookup: Lookup, kind: string, name: string, where: string): ResourceDoc {
  const d = lookup(kind, name);
  if (!d) throw new PlumbingError('SERVE_TRIGGER_REF', `${where}: ${kind} "${name}" not found in the cluster's config`);
  return d;
}

function bindingsOf(t: JsonMap, lookup: Lookup, where: string): BindingParam[] {
  const out: BindingParam[] = [];
  for (const b of Array.isArray(t.bindings) ? t.bindings.filter(isMap) : []) {
    if (typeof b.ref === 'string') {
      const kind = b.kind === 'ClusterTriggerBinding' ? 'ClusterTriggerBinding' : 'TriggerBinding';
      const params = spec(need(lookup, kind, b.ref, where)).params;
      for (const p of Array.isArray(params) ? params.filter(isMap) : []) out.push({ name: String(p.name), value: String(p.value ?? '') });
    } else if (typeof b.name === 'string') out.push({ name: b.name, value: String(b.value ?? '') });
  }
  return out;
}

function templateOf(t: JsonMap, lookup: Lookup, where: string): JsonMap {
  const tpl = isMap(t.template) ? t.template : {};
  const ref = typeof tpl.ref === 'string' ? tpl.ref : typeof tpl.name === 'string' ? tpl.name : undefined;
  if (ref !== undefined) return spec(need(lookup, 'TriggerTemplate', ref, where));
  if (isMap(tpl.spec)) return tpl.spec;
  throw new PlumbingError('SERVE_TRIGGER_REF', `${where}: template has neither ref nor spec`);
}

/** Resolves EventListener `name` against the cluster's documents. */
export function resolveListener(name: string, lookup: Lookup, uid: string): ResolvedListener | undefined {
  const doc = lookup('EventListener', name);
  if (!doc) return undefined;
  const triggers: ResolvedTrigger[] = [];
  const list = spec(doc).triggers;
  for (const [i, entry] of (Array.isArray(list) ? list.filter(isMap) : []).entries()) {
    let t: JsonMap = entry;
    let tname = typeof entry.name === 'string' ? entry.name : `${name}-${i}`;
    if (typeof entry.triggerRef === 'string') {
      t = spec(need(lookup, 'Trigger', entry.triggerRef, `EventListener ${name}`));
      tname = entry.triggerRef;
    }
    const where = `EventListener ${name}, trigger ${tname} (${doc.file})`;
    triggers.push({ name: tname, interceptors: Array.isArray(t.interceptors) ? t.interceptors.filter(isMap) : [], bindings: bindingsOf(t, lookup, where), template: templateOf(t, lookup, where) });
  }
  return { name, namespace: doc.namespace ?? 'default', uid, triggers };
}

/** Every Secret a github interceptor of the listener names. */
export function listenerSecretRefs(l: ResolvedListener): { secretName: string; secretKey: string }[] {
  return l.triggers.flatMap((t) => t.interceptors.filter((i) => interceptorName(i) === 'github').flatMap((i) => githubSecretRef(i) ?? []));
}

async function intercept(i: JsonMap, req: InterceptorRequest, secrets: SecretReader): Promise<InterceptorResponse> {
  const kind = interceptorName(i);
  if (kind === 'github') return githubInterceptor(i, req, secrets);
  if (kind === 'cel') return celInterceptor(i, req, secrets);
  return { continue: false, message: `interceptor "${kind ?? '?'}" is not supported by plumbing serve (github and cel are)` };
}

/** Runs one trigger: interceptors, then bindings and template. */
export async function runTrigger(t: ResolvedTrigger, base: InterceptorRequest, secrets: SecretReader): Promise<TriggerOutcome> {
  const req: InterceptorRequest = { ...base, extensions: { ...base.extensions } };
  for (const i of t.interceptors) {
    const r = await intercept(i, req, secrets);
    if (!r.continue) return { trigger: t.name, message: r.message, resources: [] };
    if (r.extensions) Object.assign(req.extensions, r.extensions);
  }
  try {
    const bound = resolveBindings(t.bindings, { body: req.body, header: req.header, extensions: req.extensions });
    return { trigger: t.name, resources: renderTemplate(t.template, bound) };
  } catch (e) {
    return { trigger: t.name, message: e instanceof Error ? e.message : String(e), resources: [] };
  }
}

/** Runs every trigger of the listener against one event (concurrently, as the sink does). */
export function runListener(l: ResolvedListener, req: InterceptorRequest, secrets: SecretReader): Promise<TriggerOutcome[]> {
  return Promise.all(l.triggers.map((t) => runTrigger(t, req, secrets)));
}
