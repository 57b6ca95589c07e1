import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';
import { isMap, type JsonMap } from '../../yaml/values.js';
import { checkImage } from './image-ref.js';
import { checkScript } from './step-script.js';
import { checkResultDecls } from '../task/task-decls.js';

/** What a container is: the checks differ a little. */
export type ContainerRole = 'step' | 'sidecar' | 'stepTemplate' | 'stepAction';

/** Declarations of the enclosing spec that containers refer to. `undefined` means "unknown, do not check". */
export interface ContainerScope {
  volumes: ReadonlySet<string> | undefined;
  workspaces: ReadonlySet<string> | undefined;
  /** The stepTemplate provides an image. */
  templateImage: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Go's time.ParseDuration syntax. */
const DURATION = /^[-+]?(?:0|(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const SINGLE_PARAM_REF = /^\$\(params(?:\.[_a-zA-Z][_a-zA-Z0-9-]*|\[(['"])[^'"]+\1\])\)$/;
/** Sidecar name Tekton reserves for the results sidecar (pipeline.ReservedResultsSidecarName). */
const RESERVED_SIDECAR_NAMES: ReadonlySet<string> = new Set(['tekton-log-results']);
/** Fields a step cannot have together with `ref` (container_validation.go). */
const REF_EXCLUDES = ['image', 'command', 'args', 'script', 'workingDir', 'env', 'volumeMounts', 'results'] as const;
const LIST_FIELDS = ['command', 'args', 'env', 'envFrom', 'volumeMounts'] as const;
/** Step fields that a stepTemplate (a container template) does not have. */
const NOT_IN_TEMPLATE = ['script', 'ref', 'params', 'results', 'onError', 'timeout', 'workspaces', 'when', 'stdoutConfig', 'stderrConfig'] as const;

const ROLE_NAME: Record<ContainerRole, string> = { step: 'step', sidecar: 'sidecar', stepTemplate: 'stepTemplate', stepAction: 'StepAction' };

function label(c: JsonMap, role: ContainerRole, i: number | undefined): string {
  if (typeof c.name === 'string' && c.name !== '') return `${ROLE_NAME[role]} "${c.name}"`;
  return i === undefined ? ROLE_NAME[role] : `${ROLE_NAME[role]} #${i}`;
}

/**
 * Validates a list of steps or sidecars at `path`: names (STEP_INVALID_NAME, STEP_DUPLICATE_NAME) and each
 * container (see checkContainer). Returns the step names (for step-result references).
 */
export function checkContainerList(ctx: DocContext, list: unknown, path: NodePath, role: 'step' | 'sidecar', scope: ContainerScope): Map<string, JsonMap> {
  const names = new Map<string, JsonMap>();
  if (list === undefined || list === null) return names;
  if (!Array.isArray(list)) {
    ctx.report('STEP_INVALID_FIELD', path, `${role}s must be a list`);
    return names;
  }
  const firstAt = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const c: unknown = list[i];
    const at = [...path, i];
    if (!isMap(c)) {
      ctx.report('STEP_INVALID_FIELD', at, `${role} #${i} must be a map`);
      continue;
    }
    const name = c.name;
    if (name !== undefined && name !== null) {
      if (typeof name !== 'string') ctx.report('STEP_INVALID_NAME', [...at, 'name'], `${role} name must be a string`);
      else if (!name.includes('$(')) {
        if (!DNS_LABEL.test(name) || name.length > 63) {
          ctx.report('STEP_INVALID_NAME', [...at, 'name'], `invalid ${role} name "${name}": must be a DNS label (lower case letters, digits and '-', at most 63 characters)`);
        } else if (role === 'sidecar' && RESERVED_SIDECAR_NAMES.has(name)) {
          ctx.report('STEP_INVALID_NAME', [...at, 'name'], `sidecar name "${name}" is reserved by Tekton`);
        }
        const prev = firstAt.get(name);
        if (prev !== undefined) ctx.report('STEP_DUPLICATE_NAME', [...at, 'name'], `${role} name "${name}" is already used by ${role} #${prev}`);
        else {
          firstAt.set(name, i);
          names.set(name, c);
        }
      }
    }
    checkContainer(ctx, c, at, role, scope, i);
  }
  return names;
}

/** Checks one step, sidecar, stepTemplate or StepAction spec. */
export function checkContainer(ctx: DocContext, c: JsonMap, path: NodePath, role: ContainerRole, scope: ContainerScope, i?: number): void {
  const who = label(c, role, i);
  const hasRef = role === 'step' && c.ref !== undefined && c.ref !== null;

  // image
  const image = c.image;
  if (image !== undefined && image !== null && typeof image !== 'string') {
    ctx.report('STEP_INVALID_FIELD', [...path, 'image'], `${who}: image must be a string`);
  } else if (image === undefined || image === null || image === '') {
    if ((role === 'step' && !hasRef && !scope.templateImage) || role === 'sidecar') {
      ctx.report('STEP_MISSING_IMAGE', path, `${who} has no image`, { key: true, hint: role === 'step' ? 'set image (or a stepTemplate image, or ref to a StepAction)' : 'set image' });
    }
  } else checkImage(ctx, image, [...path, 'image']);

  // shapes
  for (const f of LIST_FIELDS) {
    const v = c[f];
    if (v !== undefined && v !== null && !Array.isArray(v)) ctx.report('STEP_INVALID_FIELD', [...path, f], `${who}: ${f} must be a list`);
  }
  if (role !== 'stepTemplate') {
    const script = c.script;
    if (script !== undefined && script !== null) {
      if (typeof script !== 'string') ctx.report('STEP_INVALID_FIELD', [...path, 'script'], `${who}: script must be a string`);
      else {
        if (c.command !== undefined && c.command !== null) ctx.report('STEP_SCRIPT_WITH_COMMAND', [...path, 'command'], `${who}: script cannot be used with command`, { key: true, hint: 'put the command in the script, or use args' });
        checkScript(ctx, script, [...path, 'script'], who);
      }
    }
  }

  checkEnv(ctx, c, path, who);
  checkVolumeMounts(ctx, c.volumeMounts, [...path, 'volumeMounts'], who, role, scope);

  if (role === 'step') checkStepFields(ctx, c, path, who, hasRef, scope);
  if (role === 'stepTemplate') {
    for (const f of NOT_IN_TEMPLATE) {
      if (c[f] !== undefined) ctx.report('STEP_INVALID_FIELD', [...path, f], `${f} is not a stepTemplate field (the template only carries container fields)`, { key: true, hint: 'set it on each step' });
    }
  }
  if (role === 'sidecar') checkWorkspaceUsages(ctx, c.workspaces, [...path, 'workspaces'], who, scope);
}

function checkEnv(ctx: DocContext, c: JsonMap, path: NodePath, who: string): void {
  const env = c.env;
  if (Array.isArray(env)) {
    const seen = new Set<string>();
    for (let j = 0; j < env.length; j++) {
      const e: unknown = env[j];
      if (!isMap(e)) continue;
      if (typeof e.name === 'string') {
        if (seen.has(e.name)) ctx.report('DUPLICATE_ENV', [...path, 'env', j, 'name'], `${who}: env "${e.name}" is set twice`);
        seen.add(e.name);
      }
      if (isMap(e.valueFrom) && e.valueFrom.secretKeyRef !== undefined && e.valueFrom.secretKeyRef !== null) {
        ctx.report('SECRET_IN_ENV', [...path, 'env', j, 'valueFrom', 'secretKeyRef'], `${who}: env "${String(e.name)}" exposes a secret`, {
          key: true,
          hint: 'mount the secret as a volume or workspace and read it from a file',
        });
      }
    }
  }
  const envFrom = c.envFrom;
  if (Array.isArray(envFrom)) {
    for (let j = 0; j < envFrom.length; j++) {
      const e: unknown = envFrom[j];
      if (isMap(e) && e.secretRef !== undefined && e.secretRef !== null) {
        ctx.report('SECRET_IN_ENV', [...path, 'envFrom', j, 'secretRef'], `${who}: envFrom exposes a whole secret as env`, { key: true, hint: 'mount the secret as a volume or workspace and read it from files' });
      }
    }
  }
}

function checkVolumeMounts(ctx: DocContext, mounts: unknown, path: NodePath, who: string, role: ContainerRole, scope: ContainerScope): void {
  if (!Array.isArray(mounts)) return;
  for (let j = 0; j < mounts.length; j++) {
    const m: unknown = mounts[j];
    if (!isMap(m)) continue;
    const name = m.name;
    if (typeof name === 'string') {
      if (role === 'stepAction') {
        if (!SINGLE_PARAM_REF.test(name)) ctx.report('STEPACTION_INVALID', [...path, j, 'name'], `StepAction volumeMount name "${name}" must be a single param reference like $(params.volume)`);
      } else if (name.startsWith('tekton-internal-')) {
        ctx.report('STEP_INVALID_FIELD', [...path, j, 'name'], `${who}: volumeMount name "${name}" is reserved (tekton-internal-*)`);
      } else if (scope.volumes && !name.includes('$(') && !scope.volumes.has(name)) {
        ctx.report('UNDEFINED_VOLUME', [...path, j, 'name'], `${who}: volumeMount "${name}" names no volume of the task`, { hint: 'declare it under spec.volumes (volumes given by a run podTemplate are not visible here)' });
      }
    }
    const mp = m.mountPath;
    if (typeof mp === 'string' && mp.startsWith('/tekton/') && !mp.startsWith('/tekton/home')) {
      ctx.report('STEP_INVALID_FIELD', [...path, j, 'mountPath'], `${who}: volumeMount path "${mp}" is under /tekton/, which Tekton reserves`);
    }
  }
}

function checkStepFields(ctx: DocContext, c: JsonMap, path: NodePath, who: string, hasRef: boolean, scope: ContainerScope): void {
  const onError = c.onError;
  if (onError !== undefined && onError !== null) {
    if (typeof onError !== 'string' || (onError !== 'continue' && onError !== 'stopAndFail' && !onError.includes('$(params'))) {
      ctx.report('STEP_INVALID_FIELD', [...path, 'onError'], `${who}: invalid onError ${JSON.stringify(onError)}: must be either "continue" or "stopAndFail"`);
    }
  }
  const timeout = c.timeout;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout !== 'string' || (!timeout.includes('$(') && !DURATION.test(timeout))) {
      ctx.report('STEP_INVALID_FIELD', [...path, 'timeout'], `${who}: invalid timeout ${JSON.stringify(timeout)}: expected a duration like 5m or 1h30m`);
    } else if (timeout.startsWith('-') && /[1-9]/.test(timeout)) {
      ctx.report('STEP_INVALID_FIELD', [...path, 'timeout'], `${who}: timeout ${timeout} is negative`);
    }
  }
  if (hasRef) {
    for (const f of REF_EXCLUDES) {
      if (c[f] !== undefined && c[f] !== null) ctx.report('STEP_REF_CONFLICT', [...path, f], `${who}: ${f} cannot be used with ref`, { key: true, hint: 'the StepAction provides it' });
    }
    checkStepRef(ctx, c.ref, [...path, 'ref'], who);
  } else if (c.params !== undefined && c.params !== null) {
    ctx.report('STEP_REF_CONFLICT', [...path, 'params'], `${who}: params cannot be used without ref`, { key: true, hint: 'step params pass values to a StepAction (ref)' });
  }
  if (Array.isArray(c.params)) {
    const seen = new Set<string>();
    for (let j = 0; j < c.params.length; j++) {
      const p: unknown = c.params[j];
      if (!isMap(p) || typeof p.name !== 'string') continue;
      if (seen.has(p.name)) ctx.report('DUPLICATE_PARAM', [...path, 'params', j, 'name'], `${who}: parameter names must be unique, "${p.name}" is passed twice`);
      seen.add(p.name);
    }
  }
  if (c.when !== undefined && c.when !== null) {
    ctx.report('FEATURE_FLAG_REQUIRED', [...path, 'when'], `${who}: step when expressions are alpha: feature flag "enable-api-fields" should be set to "alpha"`, { key: true, gate: { apiFields: 'alpha' } });
  }
  for (const f of ['stdoutConfig', 'stderrConfig'] as const) {
    if (c[f] !== undefined && c[f] !== null) ctx.report('FEATURE_FLAG_REQUIRED', [...path, f], `${who}: ${f} is alpha: feature flag "enable-api-fields" should be set to "alpha"`, { key: true, gate: { apiFields: 'alpha' } });
  }
  checkWorkspaceUsages(ctx, c.workspaces, [...path, 'workspaces'], who, scope);
  if (!hasRef) checkResultDecls(ctx, c.results, [...path, 'results'], { step: true });
}

function checkWorkspaceUsages(ctx: DocContext, ws: unknown, path: NodePath, who: string, scope: ContainerScope): void {
  if (ws === undefined || ws === null) return;
  ctx.report('FEATURE_FLAG_REQUIRED', path, `${who}: step and sidecar workspaces are beta: feature flag "enable-api-fields" should be "beta" or "alpha"`, { key: true, gate: { apiFields: 'beta' } });
  if (!Array.isArray(ws)) {
    ctx.report('STEP_INVALID_FIELD', path, `${who}: workspaces must be a list`);
    return;
  }
  for (let j = 0; j < ws.length; j++) {
    const w: unknown = ws[j];
    if (!isMap(w) || typeof w.name !== 'string') continue;
    if (scope.workspaces && !scope.workspaces.has(w.name)) {
      ctx.report('STEP_UNDEFINED_WORKSPACE', [...path, j, 'name'], `${who}: undefined workspace "${w.name}"`, { hint: 'declare it under spec.workspaces' });
    }
  }
}

/** A step's StepAction `ref` (container_validation.go Ref.Validate): exactly one of name/resolver, resolver is beta. */
function checkStepRef(ctx: DocContext, ref: unknown, path: NodePath, who: string): void {
  if (!isMap(ref)) {
    ctx.report('STEP_REF_CONFLICT', path, `${who}: ref must be a map with a name or a resolver`);
    return;
  }
  const hasName = typeof ref.name === 'string' && ref.name !== '';
  const hasResolver = typeof ref.resolver === 'string' && ref.resolver !== '';
  if (hasResolver) {
    ctx.report('FEATURE_FLAG_REQUIRED', [...path, 'resolver'], `${who}: remote resolution of StepActions is beta: feature flag "enable-api-fields" should be "beta" or "alpha"`, { key: true, gate: { apiFields: 'beta' } });
    if (hasName) ctx.report('STEP_REF_CONFLICT', [...path, 'resolver'], `${who}: expected exactly one, got both: ref.name, ref.resolver`, { key: true });
  } else if (ref.params !== undefined && ref.params !== null) {
    ctx.report('STEP_REF_CONFLICT', [...path, 'params'], `${who}: ref.params need ref.resolver`, { key: true });
  } else if (!hasName) {
    ctx.report('STEP_REF_CONFLICT', path, `${who}: missing field(s): ref.name`, { key: true });
  }
}
