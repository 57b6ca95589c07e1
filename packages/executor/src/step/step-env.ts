/**
 * A step's environment and the texts Kubernetes expands in it (`$(VAR)` in command, args, env),
 * step `when` without CEL, and steps that name Tekton's paths literally.
 */
import type { EnvVar, Step } from '@plumbing/model';
import { envFromValues, keyRefValue } from '../taskrun/task-objects.js';
import type { ImageTool } from '../contracts.js';
import type { PreparedStep } from '../taskrun/task-prepare.js';
import type { StepContext } from './step-context.js';
import { STEP_PATH } from './step-shell.js';

/**
 * Kubernetes `$(VAR)` expansion of command, args and env values (third_party/forked/golang/expansion):
 * `$$` ⇒ `$`, `$(NAME)` ⇒ the container env value when defined, else verbatim.
 */
export function expandK8s(s: string, env: ReadonlyMap<string, string>): string {
  if (!s.includes('$')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '$' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[i + 1]!;
    if (n === '$') {
      out += '$';
      i++;
    } else if (n === '(') {
      const close = s.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i++;
      } else {
        const name = s.slice(i + 2, close);
        out += env.get(name) ?? `$(${name})`;
        i = close;
      }
    } else {
      out += `$${n}`;
      i++;
    }
  }
  return out;
}

/**
 * Steps that mention Tekton's paths literally (they only exist inside the sandbox); the run's own
 * host directory (what the path variables became) is not a mention.
 */
export function literalPathSteps(steps: readonly PreparedStep[], runRoot: string, workspace: string): string[] {
  const re = /\/tekton\/|\/workspace(\/|\b)/;
  return steps
    .filter((s) => {
      const st = s.step;
      const texts = [st.script ?? '', ...(st.command ?? []), ...(st.args ?? []), st.workingDir ?? '', ...(st.env ?? []).map((e) => e.value ?? '')];
      return texts.some((t) => re.test(t.split(`${runRoot}/tekton/`).join('/').split(workspace).join('')));
    })
    .map((s) => s.container);
}

export function whenAllows(when: NonNullable<PreparedStep['step']['when']>): boolean {
  return when.every((w) => {
    if (w.cel !== undefined) return true;
    const hit = (w.values ?? []).includes(w.input ?? '');
    return w.operator === 'notin' ? !hit : hit;
  });
}

/** `envFrom` first (Kubernetes: `env` entries override it), from the run's ConfigMaps and Secrets. */
function fromSources(ctx: StepContext, envFrom: Step['envFrom'], out: Record<string, string>, defined: Map<string, string>): void {
  if (!envFrom?.length) return;
  const got = envFromValues(ctx.req.objects, envFrom);
  for (const [k, v] of Object.entries(got.env)) {
    defined.set(k, v);
    out[k] = v;
  }
  if (got.missing.length) ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}": envFrom ${got.missing.join(', ')} is not in the files given with -f; ignored` });
}

/** `valueFrom` configMapKeyRef/secretKeyRef: the key's value, or undefined (a warning unless optional). */
function fromKeyRef(ctx: StepContext, e: EnvVar): string | undefined {
  const vf = e.valueFrom;
  const ref = vf?.secretKeyRef ?? vf?.configMapKeyRef;
  if (!ref) return undefined;
  const kind = vf?.secretKeyRef ? 'Secret' : 'ConfigMap';
  const v = keyRefValue(ctx.req.objects, kind, ref);
  if (v === undefined && !ref.optional) ctx.emit({ type: 'warning', message: `TaskRun "${ctx.req.name}": env ${e.name} comes from key "${ref.key}" of ${kind} "${ref.name}", which is not in the files given with -f; it is left unset` });
  return v;
}

export function stepEnv(ctx: StepContext, env: readonly EnvVar[] | undefined, home: string, tool: ImageTool | undefined, envFrom?: Step['envFrom']): { env: Record<string, string>; defined: Map<string, string> } {
  const out: Record<string, string> = { PATH: tool ? `${tool.binDir}:${STEP_PATH}` : STEP_PATH, HOSTNAME: ctx.podName, HOME: home };
  const defined = new Map<string, string>();
  fromSources(ctx, envFrom, out, defined);
  for (const e of env ?? []) {
    let v: string | undefined;
    if (e.value !== undefined) v = expandK8s(e.value, defined);
    else if (e.valueFrom?.fieldRef) {
      const f = e.valueFrom.fieldRef.fieldPath;
      v = f === 'metadata.name' ? ctx.podName : f === 'metadata.namespace' ? ctx.req.namespace : f === 'spec.serviceAccountName' ? (ctx.req.serviceAccountName ?? 'default') : undefined;
    } else if (e.valueFrom) v = fromKeyRef(ctx, e);
    else v = '';
    if (v === undefined) continue;
    if (v === '' && e.name === 'PATH') continue;
    defined.set(e.name, v);
    out[e.name] = v;
  }
  return { env: out, defined };
}

