/**
 * `POST /hooks/<event-listener>`: an EventListener's sink. The signature is checked before
 * anything is stored (401, nothing stored); the delivery is stored before it is answered; a
 * redelivery (same X-GitHub-Delivery) is answered with the first answer and creates nothing.
 * The answer has the EventListener's shape: 202 {eventListener, namespace, eventListenerUID, eventID}.
 */
import { createHash, randomUUID } from 'node:crypto';
import { generateName } from '@plumbing/executor';
import type { JsonMap } from '@plumbing/model';
import { recordPullRequest } from '../store/pull-requests.js';
import type { DeliveryRow, RunKind, RunRow, Store } from '../store/store.js';
import { canonicalHeaderKey, type SecretReader } from '../triggers/cel-env.js';
import { signatureValid } from '../triggers/interceptors.js';
import { listenerSecretRefs, type ResolvedListener, runListener, type TriggerOutcome } from '../triggers/listener.js';
import { jobOf, pullRequestStateOf, runFacts } from './facts.js';

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
  /** The trust gate and comment commands (none: every run is stored, with secrets). */
  policy?: DeliveryPolicy;
  log?: (line: string) => void;
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

/** The repository and pull request (or issue) a delivery is about, kept to find a pull request's deliveries. */
function deliveryTarget(body: unknown): { repository: string | null; pullRequest: number | null } {
  const b = (body ?? {}) as { repository?: { full_name?: unknown }; pull_request?: { number?: unknown }; issue?: { number?: unknown } };
  const n = b.pull_request?.number ?? b.issue?.number;
  return { repository: typeof b.repository?.full_name === 'string' ? b.repository.full_name : null, pullRequest: typeof n === 'number' ? n : null };
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
  const where = deliveryTarget(body);
  const delivery = { id, listener: name, event, action, received: now().toISOString(), headers: keptHeaders(header), body: rawBody, eventId, ...where };
  if (!(await ctx.store.insertDelivery(delivery))) {
    const first = await ctx.store.getDelivery(id);
    // The first delivery may have been stored in this very turn: answered once it is committed.
    await ctx.store.durable();
    return { status: 202, body: answer(l, first?.eventId ?? eventId), outcome: 'redelivery', event };
  }
  await processDelivery(ctx, { ...delivery, state: 'received', outcome: null }, requestURL, { body });
  // Stored before answered: the writes are committed once per event-loop turn (store/db.ts).
  await ctx.store.durable();
  return { status: 202, body: answer(l, eventId), outcome: 'accepted', event };
}

/**
 * What the service's pull-request policy decides about a delivery's runs before they are stored
 * (the trust gate), and does after (comment commands, cancels).
 */
export interface DeliveryPolicy {
  admit(d: DeliveryRow, body: unknown, jobs: string[]): Promise<Admission>;
  after(d: DeliveryRow, body: unknown): Promise<void>;
}

export interface Admission {
  run: boolean;
  bindSecrets: boolean;
  reason: string;
}

/**
 * Runs the listener's triggers for a stored delivery and stores the runs they create (also at
 * start-up, for deliveries stored but not processed). `fresh`: the delivery was stored just now
 * (no runs can exist for it yet) and its body is already parsed.
 */
export async function processDelivery(ctx: IntakeContext, d: DeliveryRow, requestURL: string, fresh?: { body: unknown }): Promise<TriggerOutcome[]> {
  const l = ctx.listeners.get(d.listener);
  if (!l) {
    await ctx.store.finishDelivery(d.id, { error: `EventListener "${d.listener}" is gone from the config` });
    return [];
  }
  if (!fresh && (await ctx.store.runsOfDelivery(d.id)).length > 0) {
    await recordPullRequestOf(ctx, d, JSON.parse(d.body) as unknown);
    await ctx.store.finishDelivery(d.id, { note: 'runs already created' });
    return [];
  }
  const header: Record<string, string[]> = Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, [v]]));
  const body = fresh ? fresh.body : (JSON.parse(d.body) as unknown);
  // The signature was verified at intake; the stored delivery is trusted, so its check is skipped here.
  const outcomes = await runListener(withoutSignature(l), { body, rawBody: d.body, header, requestURL, extensions: {} }, ctx.secrets);
  const jobs = [...new Set(outcomes.flatMap((o) => o.resources.map((r) => jobOf(r))))];
  const admission = ctx.policy ? await admit(ctx.policy, d, body, jobs) : { run: true, bindSecrets: true, reason: '' };
  if (!admission.run && jobs.length > 0) ctx.log?.(`delivery ${d.id}: ${jobs.join(', ')} not run: ${admission.reason}`);
  const created: string[] = [];
  for (const o of admission.run ? outcomes : []) {
    for (const resource of o.resources) {
      const run = await storeRun(ctx, d, l, o.trigger, resource, body, { bindSecrets: admission.bindSecrets });
      created.push(run.name);
      await ctx.onRun(run);
    }
  }
  await recordPullRequestOf(ctx, d, body);
  const triggers = outcomes.map((o) => ({ trigger: o.trigger, ...(o.message ? { message: o.message } : {}), created: admission.run ? o.resources.length : 0 }));
  await ctx.store.finishDelivery(d.id, { triggers, runs: created, ...(admission.run ? {} : { held: admission.reason }) });
  await ctx.policy?.after(d, body);
  return outcomes;
}

/** A pull_request delivery records the pull request's state (open or closed), also when it starts no run. */
async function recordPullRequestOf(ctx: IntakeContext, d: DeliveryRow, body: unknown): Promise<void> {
  const pr = pullRequestStateOf(d, body, ctx.privateRepositories);
  if (pr) await recordPullRequest(ctx.store, pr);
}

/** The gate fails closed: when GitHub cannot be asked, nothing runs and the delivery says why. */
async function admit(policy: DeliveryPolicy, d: DeliveryRow, body: unknown, jobs: string[]): Promise<Admission> {
  try {
    return await policy.admit(d, body, jobs);
  } catch (e) {
    return { run: false, bindSecrets: false, reason: `the trust check failed, nothing runs: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function withoutSignature(l: ResolvedListener): ResolvedListener {
  const strip = (i: JsonMap): JsonMap => ({ ...i, params: (Array.isArray(i.params) ? i.params : []).filter((p) => !(p && typeof p === 'object' && (p as JsonMap).name === 'secretRef')) });
  return { ...l, triggers: l.triggers.map((t) => ({ ...t, interceptors: t.interceptors.map(strip) })) };
}

export interface StoreRunOptions {
  bindSecrets: boolean;
  /** The event the run's facts are read as (default the delivery's): a `/test` renders a pull_request event. */
  event?: string;
  kind?: RunKind;
  retryOf?: string;
  actor?: string;
}

/** Secret workspaces of a run of untrusted code bound to an empty directory instead: it never sees a secret. */
export function withoutSecrets<T extends JsonMap>(resource: T): T {
  const spec = (resource.spec ?? {}) as JsonMap;
  if (!Array.isArray(spec.workspaces)) return resource;
  const workspaces = spec.workspaces.map((w) => (w && typeof w === 'object' && ('secret' in (w as JsonMap) || 'projected' in (w as JsonMap)) ? { name: (w as JsonMap).name, emptyDir: {} } : w));
  return { ...resource, spec: { ...spec, workspaces } } as T;
}

/** Stores one rendered run of a delivery (queued), with a generated name when its template asks for one. */
export async function storeRun(ctx: Pick<IntakeContext, 'store' | 'privateRepositories' | 'now'>, d: DeliveryRow, l: ResolvedListener, trigger: string, rendered: JsonMap, body: unknown, o: StoreRunOptions): Promise<RunRow> {
  const now = ctx.now ?? (() => new Date());
  const resource = o.bindSecrets ? rendered : withoutSecrets(rendered);
  const meta = { ...((resource.metadata ?? {}) as JsonMap) };
  const prefix = typeof meta.generateName === 'string' ? meta.generateName : `${String(resource.kind ?? 'run').toLowerCase()}-`;
  const facts = runFacts(o.event ?? d.event, body, resource);
  const labels = { ...((meta.labels ?? {}) as JsonMap), 'triggers.tekton.dev/eventlistener': l.name, 'triggers.tekton.dev/trigger': trigger, 'triggers.tekton.dev/triggers-eventid': d.eventId };
  for (;;) {
    const name = typeof meta.name === 'string' ? meta.name : generateName(prefix);
    const row: RunRow = {
      name, namespace: typeof meta.namespace === 'string' ? meta.namespace : l.namespace, kind: o.kind ?? facts.kind,
      resourceKind: resource.kind === 'TaskRun' ? 'TaskRun' : 'PipelineRun', job: facts.job, repository: facts.repository, pullRequest: facts.pullRequest,
      sha: facts.sha, event: d.event, deliveryId: d.id, actor: o.actor ?? facts.actor, triggerName: trigger, supersedeKey: facts.supersedeKey,
      private: facts.repository !== null && (ctx.privateRepositories.has(facts.repository) || (body as { repository?: { private?: boolean } })?.repository?.private === true),
      state: 'queued', reason: 'Pending', message: o.bindSecrets ? 'waiting in the queue' : 'waiting in the queue (untrusted code: no secrets bound)', created: now().toISOString(), started: null, finished: null, owner: null, recordDir: null,
      resource: { ...resource, metadata: { ...meta, name, labels } }, status: null, bindSecrets: o.bindSecrets, defaultBranch: facts.defaultBranch, retryOf: o.retryOf ?? null,
    };
    if (await ctx.store.insertRun(row)) return row;
    delete meta.name;
  }
}
