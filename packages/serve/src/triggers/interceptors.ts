/**
 * The two ClusterInterceptors real listeners use, with Triggers' semantics:
 * github (pkg/interceptors/github/github.go: content type, `eventTypes` before the signature,
 * then `secretRef`) and cel (pkg/interceptors/cel/cel.go: `filter` must be true, each overlay's
 * value is set at its key under `extensions`).
 */
import { verify } from '@octokit/webhooks-methods';
import { isMap, type JsonMap } from '@plumbing/model';
import { type CelContext, evaluateTriggersCel, type SecretReader, triggersCelEnv } from './cel-env.js';

export interface InterceptorRequest {
  body: unknown;
  rawBody: string;
  header: Record<string, string[]>;
  requestURL: string;
  extensions: Record<string, unknown>;
}

export type InterceptorResponse = { continue: true; extensions?: Record<string, unknown> } | { continue: false; message: string };

function param(interceptor: JsonMap, name: string): unknown {
  const params = Array.isArray(interceptor.params) ? interceptor.params : [];
  return params.filter(isMap).find((p) => p.name === name)?.value;
}

function first(header: Record<string, string[]>, key: string): string {
  return header[key]?.[0] ?? '';
}

/** The GitHub Secret a github interceptor names, if any. */
export function githubSecretRef(interceptor: JsonMap): { secretName: string; secretKey: string } | undefined {
  const ref = param(interceptor, 'secretRef');
  if (!isMap(ref)) return undefined;
  return { secretName: String(ref.secretName ?? ''), secretKey: String(ref.secretKey ?? '') };
}

/** Verifies `X-Hub-Signature-256` over the raw body (HMAC-SHA256, constant time, in @octokit/webhooks-methods). */
export async function signatureValid(secret: string, rawBody: string, header: Record<string, string[]>): Promise<boolean> {
  const sig = first(header, 'X-Hub-Signature-256');
  if (!sig.startsWith('sha256=')) return false;
  try {
    return await verify(secret, rawBody, sig);
  } catch {
    return false;
  }
}

export async function githubInterceptor(interceptor: JsonMap, req: InterceptorRequest, secrets: SecretReader): Promise<InterceptorResponse> {
  if (first(req.header, 'Content-Type') === 'application/x-www-form-urlencoded') {
    return { continue: false, message: 'form parameter encoding not supported, please change the hook to send JSON payloads' };
  }
  const types = param(interceptor, 'eventTypes');
  if (Array.isArray(types)) {
    const actual = first(req.header, 'X-Github-Event');
    if (!types.includes(actual)) return { continue: false, message: `event type ${actual} is not allowed` };
  }
  const ref = githubSecretRef(interceptor);
  if (ref) {
    if (ref.secretKey === '') return { continue: false, message: 'github interceptor secretRef.secretKey is empty' };
    if (first(req.header, 'X-Hub-Signature-256') === '') return { continue: false, message: 'Must set X-Hub-Signature-256 header' };
    const secret = secrets(ref.secretName, ref.secretKey);
    if (secret === undefined) return { continue: false, message: `error getting secret: ${ref.secretName}/${ref.secretKey} not found` };
    if (!(await signatureValid(secret, req.rawBody, req.header))) return { continue: false, message: 'payload signature check failed' };
  }
  return { continue: true };
}

/** Sets `value` at a dotted `key` (sjson's path syntax, dots only) inside `target`. */
function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = target;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

export function celInterceptor(interceptor: JsonMap, req: InterceptorRequest, secrets: SecretReader): InterceptorResponse {
  const env = triggersCelEnv(secrets);
  const ctx: CelContext = { body: req.body, header: req.header, requestURL: req.requestURL, extensions: req.extensions };
  const filter = param(interceptor, 'filter');
  try {
    if (typeof filter === 'string' && filter.trim() !== '') {
      const out = evaluateTriggersCel(env, filter, ctx);
      if (out !== true) return { continue: false, message: `expression ${filter} did not return true` };
    }
    const extensions: Record<string, unknown> = {};
    const overlays = param(interceptor, 'overlays');
    for (const o of Array.isArray(overlays) ? overlays.filter(isMap) : []) {
      setPath(extensions, String(o.key), evaluateTriggersCel(env, String(o.expression), ctx));
    }
    return { continue: true, extensions };
  } catch (e) {
    return { continue: false, message: `error evaluating cel expression: ${e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e)}` };
  }
}

/** Which ClusterInterceptor an interceptor entry names (`ref.name`, or the legacy inline keys). */
export function interceptorName(interceptor: JsonMap): string | undefined {
  if (isMap(interceptor.ref) && typeof interceptor.ref.name === 'string') return interceptor.ref.name;
  for (const k of ['github', 'cel', 'gitlab', 'bitbucket']) if (interceptor[k] !== undefined) return k;
  return undefined;
}
