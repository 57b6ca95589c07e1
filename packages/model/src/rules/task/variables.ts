import type { NodePath } from '../../check/finding.js';
import { isTektonRef, scanRefs, TEKTON_PREFIXES, type VarRef } from '../../tekton/refs.js';
import type { DocContext } from '../../check/rule.js';
import type { ParamType } from '../../types/tekton.js';
import { isMap } from '../../yaml/values.js';
import { didYouMean } from '../../check/suggest.js';

/** What a reference may resolve against. `undefined` sets mean "unknown here: do not report undefined names". */
export interface RefScope {
  /** `task` for Task specs (standalone or embedded), `stepAction` for a StepAction spec. */
  kind: 'task' | 'stepAction';
  /** Declared params by name, with their type and object keys. */
  params: ReadonlyMap<string, { type: ParamType; keys: ReadonlySet<string> | undefined }>;
  /** Params visible without a declaration (propagated to embedded specs), with their type when known. */
  extraParams: ReadonlyMap<string, ParamType | undefined> | undefined;
  /** Whether undeclared params (not in `params` nor `extraParams`) are errors (false for embedded specs whose propagated params are unknown). */
  strictParams: boolean;
  workspaces: ReadonlySet<string> | undefined;
  /** Task results (for `$(results.r.path)`). */
  results: ReadonlySet<string> | undefined;
  /** Results declared by each step, by step index; undefined for a step whose results come from a StepAction. */
  stepResults: readonly (ReadonlySet<string> | undefined)[];
  /** Filled: the param names referenced anywhere. */
  used: Set<string>;
}

const PREFIXES: ReadonlySet<string> = new Set<string>([...TEKTON_PREFIXES, 'tt']);
const CONTEXT: Readonly<Record<string, ReadonlySet<string>>> = {
  taskRun: new Set(['name', 'namespace', 'uid']),
  task: new Set(['name', 'retry-count']),
  pipelineRun: new Set(['name', 'namespace', 'uid']),
  pipeline: new Set(['name']),
  pipelineTask: new Set(['retries']),
};
const WORKSPACE_ATTRS: ReadonlySet<string> = new Set(['path', 'bound', 'claim', 'volume']);
/** Container fields where step results may be read (container_validation.go), plus StepAction params and step when. */
const STEP_RESULT_FIELDS: ReadonlySet<string> = new Set(['env', 'command', 'args', 'params', 'when']);
const ARTIFACT_FIELDS: ReadonlySet<string> = new Set(['env', 'command', 'args', 'script', 'params', 'when']);
const SKIP_KEYS: ReadonlySet<string> = new Set(['description']);
/** Top-level task spec fields that are not substituted (besides the sections walked on their own). */
const NOT_SUBSTITUTED: ReadonlySet<string> = new Set(['description', 'displayName', 'apiVersion', 'kind', 'metadata', 'spec', 'results']);

/** How many name comparisons one spec's "did you mean" hints may cost in all (then the hint is generic). */
const SUGGEST_BUDGET = 200_000;

type Role = 'step' | 'sidecar' | 'stepTemplate' | 'stepAction' | 'none';

/** The Tekton references of `s` in order, including those nested in shell substitutions: `$(cat $(params.f))`. */
function tektonRefs(s: string, out: VarRef[]): VarRef[] {
  for (const ref of scanRefs(s)) {
    if (isTektonRef(ref)) out.push(ref);
    else if (ref.expr.includes('$(')) tektonRefs(ref.expr, out);
  }
  return out;
}

/**
 * One walk over every string of a task spec (or StepAction spec) at `path` that the variable rules care about:
 * UNDEFINED_PARAM_REFERENCE, UNKNOWN_OBJECT_KEY, ARRAY_PARAM_IN_STRING_CONTEXT, PARAM_IN_SCRIPT (StepAction:
 * STEPACTION_INVALID), INVALID_VARIABLE_PREFIX, UNKNOWN_CONTEXT_VARIABLE, UNDEFINED_RESULT_PATH,
 * STEP_RESULT_REF_MISPLACED, UNDEFINED_WORKSPACE_REFERENCE and the artifacts FEATURE_FLAG_REQUIRED.
 * Fills `scope.used` with the params referenced.
 */
export function checkSpecVariables(ctx: DocContext, spec: Record<string, unknown>, path: NodePath, scope: RefScope): void {
  const w = new SpecWalker(ctx, scope, path);
  if (scope.kind === 'stepAction') w.walkStepAction(spec, path.length);
  else w.walkTaskSpec(spec);
}

type Report = (code: Parameters<DocContext['report']>[0], ref: VarRef, occurrence: number, message: string, hint?: string) => void;

/** The walk's state: where it is (path, container role, section) and what it has reported once. */
class SpecWalker {
  readonly stack: (string | number)[];
  role: Role = 'none';
  section = '';
  stepIndex = -1;
  /** Length of `stack` at the container (its fields are at stack[base]). */
  base = 0;
  artifactsReported = false;
  suggestBudget = SUGGEST_BUDGET;
  readonly report: Report;

  constructor(
    readonly ctx: DocContext,
    readonly scope: RefScope,
    path: NodePath,
  ) {
    this.stack = [...path];
    this.report = (code, ref, occurrence, message, hint) => ctx.report(code, this.stack.slice(), message, { needle: ref.text, occurrence, hint });
  }

  field(): string | number | undefined {
    return this.role === 'none' ? undefined : this.stack[this.base];
  }

  visitString(s: string): void {
    if (s.indexOf('$(') < 0) return;
    const seen = new Map<string, number>();
    for (const ref of tektonRefs(s, [])) {
      const occurrence = seen.get(ref.text) ?? 0;
      seen.set(ref.text, occurrence + 1);
      checkRef(this, s, ref, occurrence);
    }
  }

  flagArtifacts(ref: VarRef, occ: number): void {
    if (this.artifactsReported) return;
    this.artifactsReported = true;
    const message = `artifacts are alpha: feature flag "enable-artifacts" should be set to true (${ref.text})`;
    this.ctx.report('FEATURE_FLAG_REQUIRED', this.stack.slice(), message, { needle: ref.text, occurrence: occ, gate: { flag: 'enable-artifacts' } });
  }

  /** "Did you mean" for undeclared params, within a budget of comparisons so that many undeclared names stay linear. */
  suggestParam(name: string): string {
    const fallback = 'declare it under params';
    if (this.suggestBudget < this.scope.params.size) return fallback;
    this.suggestBudget -= this.scope.params.size;
    return didYouMean(name, this.scope.params.keys(), fallback) ?? fallback;
  }

  lookup(name: string): { type: ParamType | undefined; keys: ReadonlySet<string> | undefined } | undefined {
    const d = this.scope.params.get(name);
    if (d) return d;
    if (!this.scope.extraParams?.has(name)) return undefined;
    return { type: this.scope.extraParams.get(name), keys: undefined };
  }

  walk(v: unknown): void {
    if (typeof v === 'string') this.visitString(v);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) this.at([i], () => this.walk(v[i]));
    } else if (isMap(v)) {
      for (const k in v) if (!SKIP_KEYS.has(k)) this.at([k], () => this.walk(v[k]));
    }
  }

  /** Runs `fn` with `segs` pushed on the path. */
  at(segs: (string | number)[], fn: () => void): void {
    this.stack.push(...segs);
    fn();
    this.stack.length -= segs.length;
  }

  walkContainer(c: unknown, r: Role, i: number): void {
    this.role = r;
    this.stepIndex = i;
    this.base = this.stack.length;
    this.walk(c);
    this.role = 'none';
  }

  /** Param defaults (`params[i].default`) or result values (`results[i].value`). */
  walkListField(list: unknown, key: 'default' | 'value'): void {
    if (!Array.isArray(list)) return;
    for (let i = 0; i < list.length; i++) {
      const p: unknown = list[i];
      if (isMap(p) && p[key] !== undefined) this.at([i, key], () => this.walk(p[key]));
    }
  }

  walkStepAction(spec: Record<string, unknown>, base: number): void {
    for (const k in spec) {
      if (SKIP_KEYS.has(k) || k === 'results') continue;
      this.section = k;
      this.at([k], () => {
        if (k === 'params') {
          this.walkListField(spec[k], 'default');
          return;
        }
        this.role = 'stepAction';
        this.base = base;
        this.walk(spec[k]);
        this.role = 'none';
      });
    }
  }

  walkTaskSpec(spec: Record<string, unknown>): void {
    for (const k in spec) {
      const v = spec[k];
      this.section = k;
      this.at([k], () => {
        if ((k === 'steps' || k === 'sidecars') && Array.isArray(v)) {
          for (let i = 0; i < v.length; i++) this.at([i], () => this.walkContainer(v[i], k === 'steps' ? 'step' : 'sidecar', i));
        } else if (k === 'stepTemplate') this.walkContainer(v, 'stepTemplate', -1);
        else if (k === 'params') this.walkListField(v, 'default');
        else if (k === 'results') this.walkListField(v, 'value');
        else if (!NOT_SUBSTITUTED.has(k) && k !== 'steps' && k !== 'sidecars') this.walk(v); // volumes, workspaces, v1beta1 resources...
      });
    }
  }
}

function checkRef(w: SpecWalker, s: string, ref: VarRef, occ: number): void {
  const segs = ref.segments;
  const root = segs[0] as string;
  if (root === 'params' || (root === 'inputs' && segs[1] === 'params')) {
    checkParamRef(w, s, ref, occ, root === 'params' ? 1 : 2);
    return;
  }
  if (!PREFIXES.has(root)) {
    w.report('INVALID_VARIABLE_PREFIX', ref, occ, `invalid variable reference "${ref.text}": must start with a valid prefix (params, context, workspaces, results, steps, step, artifacts, credentials)`, 'if you meant a shell command substitution, it must contain a space; a shell variable is written $VAR');
    return;
  }
  if (root === 'context') {
    const group = segs[1];
    const attr = segs[2];
    const known = group === undefined ? undefined : CONTEXT[group];
    // Tekton validates only $(context.taskRun.*) and $(context.task.*); any other $(context.X...) stays as written.
    if (known && (attr === undefined || !known.has(attr) || segs.length > 3)) {
      w.report('UNKNOWN_CONTEXT_VARIABLE', ref, occ, `non-existent variable "${ref.text}"`, 'task level: context.taskRun.{name,namespace,uid}, context.task.{name,retry-count}');
    }
    return;
  }
  if (root === 'workspaces') {
    // a step's `when` is outside what Tekton validates (an undeclared workspace is simply not bound there)
    if (w.scope.kind !== 'task' || !w.scope.workspaces || (w.role === 'step' && w.field() === 'when')) return;
    const ws = segs[1];
    if (ws === undefined) return;
    if (!w.scope.workspaces.has(ws)) w.report('UNDEFINED_WORKSPACE_REFERENCE', ref, occ, `"${ref.text}" refers to workspace "${ws}", which is not declared`, didYouMean(ws, w.scope.workspaces, 'declare it under spec.workspaces'));
    else if (segs.length !== 3 || !WORKSPACE_ATTRS.has(segs[2] as string)) w.report('UNDEFINED_WORKSPACE_REFERENCE', ref, occ, `"${ref.text}" is not a workspace variable: use path, bound, claim or volume`);
    return;
  }
  if (root === 'results') {
    if (w.scope.kind !== 'task' || !w.scope.results || segs[2] !== 'path') return;
    const r = segs[1] as string;
    if (!w.scope.results.has(r)) w.report('UNDEFINED_RESULT_PATH', ref, occ, `"${ref.text}" refers to result "${r}", which the task does not declare`, didYouMean(r, w.scope.results, 'declare it under spec.results'));
    return;
  }
  checkStepRef(w, ref, occ);
}

/** `$(step.…)`, `$(steps.…)` and `$(artifacts.…)`: step results and artifacts, by where they are written. */
function checkStepRef(w: SpecWalker, ref: VarRef, occ: number): void {
  const segs = ref.segments;
  const root = segs[0] as string;
  if (root === 'step') {
    if (segs[1] === 'artifacts') {
      w.flagArtifacts(ref, occ);
      return;
    }
    if (segs[1] !== 'results' || segs[3] !== 'path') return;
    const r = segs[2] as string;
    const own = w.role === 'step' ? w.scope.stepResults[w.stepIndex] : w.role === 'stepAction' ? w.scope.stepResults[0] : undefined;
    if (w.role === 'step' || w.role === 'stepAction') {
      if (own && !own.has(r)) w.report('UNDEFINED_RESULT_PATH', ref, occ, `"${ref.text}" refers to step result "${r}", which this step does not declare`, 'declare it under the step results');
    }
    return;
  }
  if (root === 'steps') {
    const kindSeg = segs[2];
    if (kindSeg === 'results') {
      const f = w.field();
      const ok = w.section === 'results' || ((w.role === 'step' || w.role === 'stepAction' || w.role === 'stepTemplate') && typeof f === 'string' && STEP_RESULT_FIELDS.has(f));
      if (!ok) w.report('STEP_RESULT_REF_MISPLACED', ref, occ, `"${ref.text}": step result references are only allowed in env, command and args`);
    } else if (kindSeg === 'inputs' || kindSeg === 'outputs') {
      w.flagArtifacts(ref, occ);
      const f = w.field();
      const ok = (w.role === 'step' || w.role === 'stepAction') && typeof f === 'string' && ARTIFACT_FIELDS.has(f);
      if (!ok) w.report('STEP_RESULT_REF_MISPLACED', ref, occ, `"${ref.text}": step artifact references are only allowed in env, command, args and script`);
    }
    return;
  }
  if (root === 'artifacts') w.flagArtifacts(ref, occ);
}

/** Step fields whose undeclared param references Tekton refuses (v1 task_validation.go validateStepVariables). */
const STEP_CHECKED: readonly ReadonlySet<string>[] = [new Set(['name', 'image', 'workingDir', 'script', 'onError']), new Set(['command', 'args'])];
/** The same in a StepAction spec (v1beta1 stepaction_validation.go validateStepActionVariables). */
const STEPACTION_CHECKED: readonly ReadonlySet<string>[] = [new Set(['image', 'script']), new Set(['command', 'args'])];

/**
 * Whether the webhook checks that the params referenced at the walker's position are declared: in a
 * step (not its stepTemplate, sidecars, volumes or param defaults) only name, image, workingDir,
 * script, onError, command, args, env values and volume mounts; in a StepAction, the same but
 * workingDir, onError and mount paths. Anywhere else an undeclared reference is accepted and stays literal.
 */
function checkedByTekton(w: SpecWalker): boolean {
  const sets = w.role === 'step' ? STEP_CHECKED : w.role === 'stepAction' ? STEPACTION_CHECKED : undefined;
  if (!sets) return false;
  const f = w.stack[w.base];
  const depth = w.stack.length - w.base;
  if (typeof f !== 'string') return false;
  if (depth <= 2) return sets[depth - 1]?.has(f) ?? false;
  if (depth !== 3) return false;
  const leaf = w.stack[w.base + 2];
  if (f === 'env') return leaf === 'value';
  return f === 'volumeMounts' && (leaf === 'name' || (w.role === 'step' && (leaf === 'mountPath' || leaf === 'subPath')));
}

function checkParamRef(w: SpecWalker, s: string, ref: VarRef, occ: number, o: number): void {
  const segs = ref.segments;
  let name = segs[o];
  if (name === undefined) return;
  let key = segs[o + 1];
  let decl = w.lookup(name);
  if (segs.length > o + 1) {
    // a param whose name contains dots, written without brackets
    const dotted = segs.slice(o).join('.');
    const d = w.lookup(dotted);
    if (d) {
      decl = d;
      name = dotted;
      key = undefined;
    } else if (segs.length > o + 2) {
      w.scope.used.add(name);
      w.report('UNDEFINED_PARAM_REFERENCE', ref, occ, `invalid reference "${ref.text}": only two dot-separated components after "params" are allowed`);
      return;
    }
  }
  w.scope.used.add(name);
  const f = w.field();
  if (f === 'script' && (w.role === 'step' || w.role === 'sidecar' || w.role === 'stepAction')) {
    if (w.scope.kind === 'stepAction') w.report('STEPACTION_INVALID', ref, occ, `param substitution in scripts is not allowed in a StepAction ("${ref.text}")`, 'pass it through env and read the variable');
    else w.report('PARAM_IN_SCRIPT', ref, occ, `"${ref.text}" inside a script: the value is pasted into the code`, 'pass it through env and read the variable');
  }
  if (!decl) {
    if (w.scope.strictParams) {
      const checked = checkedByTekton(w);
      const message = checked ? `non-existent variable in "${ref.text}": param "${name}" is not declared` : `param "${name}" is not declared: "${ref.text}" stays as it is written (Tekton does not check this field)`;
      w.report(checked ? 'UNDEFINED_PARAM_REFERENCE' : 'UNDEFINED_PARAM_LEFT_LITERAL', ref, occ, message, w.suggestParam(name));
    }
    return;
  }
  const { type } = decl;
  if (type === undefined) return;
  const idx = ref.index;
  if (key !== undefined) {
    if (type !== 'object') w.report('UNDEFINED_PARAM_REFERENCE', ref, occ, `"${ref.text}": param "${name}" is ${type === 'array' ? 'an array' : 'a string'}, it has no key "${key}"`);
    else if (decl.keys && decl.keys.size > 0 && !decl.keys.has(key)) w.report('UNKNOWN_OBJECT_KEY', ref, occ, `"${ref.text}": object param "${name}" has no key "${key}"`, `declared keys: ${[...decl.keys].join(', ')}`);
    return;
  }
  // a step's StepAction params take $(params.x[*]) whole, whatever x's type (Tekton passes x's value as is)
  if (idx === '[*]' && w.role !== 'none' && w.role !== 'stepTemplate' && f === 'params' && s === ref.text) return;
  if (idx !== undefined && type !== 'array' && !(type === 'object' && idx === '[*]')) {
    w.report('UNDEFINED_PARAM_REFERENCE', ref, occ, `"${ref.text}": param "${name}" is ${type === 'object' ? 'an object' : 'a string'}, it cannot be indexed`);
    return;
  }
  if (type === 'string' || (idx !== undefined && idx !== '[*]')) return;
  // a whole array or object
  if (w.section === 'params') return;
  const isolated = s === ref.text;
  if (w.role !== 'none' && w.role !== 'stepTemplate' && f === 'params' && isolated) return; // StepAction param values
  if (w.role !== 'none' && f === 'when') return;
  if ((f === 'command' || f === 'args') && w.stack.length === w.base + 2) {
    if (type === 'array' && isolated) return;
    w.report('ARRAY_PARAM_IN_STRING_CONTEXT', ref, occ, type === 'array' ? `variable is not properly isolated in "${s.length > 60 ? `${s.slice(0, 57)}...` : s}": an array reference must be a whole ${f} element` : `"${ref.text}": a whole object cannot be used in ${f}`, type === 'array' ? `write "${ref.text}" as its own list element` : 'use one key: $(params.o.key)');
    return;
  }
  w.report('ARRAY_PARAM_IN_STRING_CONTEXT', ref, occ, `variable type invalid in "${ref.text}": ${type} param "${name}" used where a string is needed`, type === 'array' ? 'use an element: $(params.a[0]), or pass it as whole args/command elements' : 'use one key: $(params.o.key)');
}
