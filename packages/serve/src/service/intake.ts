/**
 * `POST /hooks/<event-listener>`: an EventListener's sink. The signature is checked before
 * anything is stored (401, nothing stored); the delivery is stored before it is answered; a
 * redelivery (same X-GitHub-Delivery) is answered with the first answer and creates nothing.
 * The answer has the EventListener's shape: 202 {eventListener, namespace, eventListenerUID, eventID}.
 */
import { createHash, randomUUID } from 'node:crypto';
import { generateName } from '@plumbing/executor';
import type { JsonMap } from '@plumbing/model';
import type { DeliveryRow, RunRow, Store } from '../store/store.js';
import { canonicalHeaderKey, type SecretReader } from '../triggers/cel-env.js';
import { signatureValid } from '../triggers/interceptors.js';
import { listenerSecretRefs, type ResolvedListener, runListener, type TriggerOutcome } from '../triggers/listener.js';
import { runFacts } from './facts.js';

export interface HookResponse {
  status: number;
  body: Record<string, unknown>;
  /** For metrics: accepted, redelivery, bad-signature, not-found, bad-request. */
  outcome: string;
  event: string;
}

export interface IntakeContext {
  store: Store;
  listeners: ReadonlyMap<string, ResolvedListener>;
  secrets: SecretReader;
  privateRepositories: ReadonlySet<string>;
  /** A new run was stored (queued): the service submits it and reports pending. */
  onRun: (run: RunRow) => Promise<void>;
  now?: () => Date;
}

/** A stable UID for a listener (Kubernetes would assign one; ours is derived from cluster and name). */
export function listenerUid(cluster: string, name: string): string {
  const h = createHash('sha1').update(`${cluster}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function canonicalHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[canonicalHeaderKey(k)] = Array.isArray(v) ? v : [v];
  return out;
}

/** Headers kept with a delivery: GitHub's own and the content type, never the signature. */
function keptHeaders(h: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if ((k.startsWith('X-Github-') || k === 'Content-Type' || k === 'User-Agent') && !k.includes('Signature')) out[k] = v.join(',');
  return out;
}

function answer(l: ResolvedListener, eventId: string): Record<string, unknown> {
  return { eventListener: l.name, namespace: l.namespace, eventListenerUID: l.uid, eventID: eventId };
}

async function authentic(l: ResolvedListener, rawBody: string, header: Record<string, string[]>, secrets: SecretReader): Promise<boolean | 'no-secret'> {
  const refs = listenerSecretRefs(l);
  if (refs.length === 0) return true;
  const values = refs.map((r) => secrets(r.secretName, r.secretKey)).filter((v): v is string => v !== undefined);
  if (values.length === 0) return 'no-secret';
  for (const v of values) if (await signatureValid(v, rawBody, header)) return true;
  return false;
}

export async function handleHook(ctx: IntakeContext, name: string, rawHeaders: Record<string, string | string[] | undefined>, rawBody: string, requestURL: string): Promise<HookResponse> {
  const header = canonicalHeaders(rawHeaders);
  const event = header['X-Github-Event']?.[0] ?? 'unknown';
  const l = ctx.listeners.get(name);
  if (!l) return { status: 404, body: { message: `no EventListener "${name}" in the cluster's config (have: ${[...ctx.listeners.keys()].join(', ') || 'none'})` }, outcome: 'not-found', event };
  const ok = await authentic(l, rawBody, header, ctx.secrets);
  if (ok === 'no-secret') {
    const names = listenerSecretRefs(l).map((r) => `${r.secretName}/${r.secretKey}`).join(', ');
    return { status: 500, body: { message: `the webhook secret ${names} is not in --secrets DIR (DIR/<secret-name>/<key>)` }, outcome: 'no-secret', event };
  }
  if (!ok) return { status: 401, body: { message: 'invalid or missing X-Hub-Signature-256' }, outcome: 'bad-signature', event };
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { message: 'the body is not JSON' }, outcome: 'bad-request', event };
  }
  const now = ctx.now ?? (() => new Date());
  const id = header['X-Github-Delivery']?.[0] ?? randomUUID();
  const eventId = randomUUID();
  const action = body !== null && typeof body === 'object' && typeof (body as JsonMap).action === 'string' ? String((body as JsonMap).action) : null;
  const delivery = { id, listener: name, event, action, received: now().toISOString(), headers: keptHeaders(header), body: rawBody, eventId };
  if (!(await ctx.store.insertDelivery(delivery))) {
    const first = await ctx.store.getDelivery(id);
    return { status: 202, body: answer(l, first?.eventId ?? eventId), outcome: 'redelivery', event };
  }
  await processDelivery(ctx, { ...delivery, state: 'received', outcome: null }, requestURL);
  return { status: 202, body: answer(l, eventId), outcome: 'accepted', event };
}

/** Runs the listener's triggers for a stored delivery and stores the runs they create (also at start-up, for deliveries stored but not processed). */
export async function processDelivery(ctx: IntakeContext, d: DeliveryRow, requestURL: string): Promise<TriggerOutcome[]> {
  const l = ctx.listeners.get(d.listener);
  if (!l) {
    await ctx.store.finishDelivery(d.id, { error: `EventListener "${d.listener}" is gone from the config` });
    return [];
  }
  if ((await ctx.store.runsOfDelivery(d.id)).length > 0) {
    await ctx.store.finishDelivery(d.id, { note: 'runs already created' });
    return [];
  }
  const header: Record<string, string[]> = Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, [v]]));
  const body = JSON.parse(d.body) as unknown;
  // The signature was verified at intake; the stored delivery is trusted, so its check is skipped here.
  const outcomes = await runListener(withoutSignature(l), { body, rawBody: d.body, header, requestURL, extensions: {} }, ctx.secrets);
  const created: string[] = [];
  for (const o of outcomes) {
    for (const resource of o.resources) {
      const run = await storeRun(ctx, d, l, o.trigger, resource, body);
      created.push(run.name);
      await ctx.onRun(run);
    }
  }
  await ctx.store.finishDelivery(d.id, { triggers: outcomes.map((o) => ({ trigger: o.trigger, ...(o.message ? { message: o.message } : {}), created: o.resources.length })), runs: created });
  return outcomes;
}

function withoutSignature(l: ResolvedListener): ResolvedListener {
  const strip = (i: JsonMap): JsonMap => ({ ...i, params: (Array.isArray(i.params) ? i.params : []).filter((p) => !(p && typeof p === 'object' && (p as JsonMap).name === 'secretRef')) });
  return { ...l, triggers: l.triggers.map((t) => ({ ...t, interceptors: t.interceptors.map(strip) })) };
}

async function storeRun(ctx: IntakeContext, d: DeliveryRow, l: ResolvedListener, trigger: string, resource: JsonMap, body: unknown): Promise<RunRow> {
  const now = ctx.now ?? (() => new Date());
  const meta = { ...((resource.metadata ?? {}) as JsonMap) };
  const prefix = typeof meta.generateName === 'string' ? meta.generateName : `${String(resource.kind ?? 'run').toLowerCase()}-`;
  const facts = runFacts(d.event, body, resource);
  const labels = { ...((meta.labels ?? {}) as JsonMap), 'triggers.tekton.dev/eventlistener': l.name, 'triggers.tekton.dev/trigger': trigger, 'triggers.tekton.dev/triggers-eventid': d.eventId };
  for (;;) {
    const name = typeof meta.name === 'string' ? meta.name : generateName(prefix);
    const row: RunRow = {
      name, namespace: typeof meta.namespace === 'string' ? meta.namespace : l.namespace, kind: facts.kind,
      resourceKind: resource.kind === 'TaskRun' ? 'TaskRun' : 'PipelineRun', job: facts.job, repository: facts.repository, pullRequest: facts.pullRequest,
      sha: facts.sha, event: d.event, deliveryId: d.id, actor: facts.actor, triggerName: trigger, supersedeKey: facts.supersedeKey,
      private: facts.repository !== null && (ctx.privateRepositories.has(facts.repository) || (body as { repository?: { private?: boolean } })?.repository?.private === true),
      state: 'queued', reason: 'Pending', message: 'waiting in the queue', created: now().toISOString(), started: null, finished: null, owner: null, recordDir: null,
      resource: { ...resource, metadata: { ...meta, name, labels } }, status: null,
    };
    if (await ctx.store.insertRun(row)) return row;
    delete meta.name;
  }
}
