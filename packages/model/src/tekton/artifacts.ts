/**
 * Tekton's artifacts (`pkg/apis/pipeline/v1/artifact_types.go`, alpha, `enable-artifacts`): what a
 * step writes to `$(step.artifacts.path)` / `$(artifacts.path)`, how a TaskRun's artifacts merge
 * (Artifacts.Merge), and the values `$(steps.<s>.inputs|outputs.<a>)` (pkg/entrypoint
 * getArtifactValues) and `$(tasks.<t>.inputs|outputs[.<a>])` (pipelinerun/resources/apply.go
 * PropagateArtifacts) become: the JSON of the artifact's `values`, as Go's json.Marshal writes it.
 */

export interface ArtifactValue {
  digest?: Record<string, string>;
  uri?: string;
}

export interface Artifact {
  name?: string;
  values?: ArtifactValue[];
  buildOutput?: boolean;
}

export interface Artifacts {
  inputs?: Artifact[];
  outputs?: Artifact[];
}

/** `$(steps.<step>.inputs|outputs.<name>)` (internal/artifactref StepArtifactRegex). */
export const STEP_ARTIFACT_REF = /\$\(steps\.([^.]+)\.(inputs|outputs)\.([^.)]+)\)/g;

/** Go's json.Marshal of a string: HTML-safe escapes (<, >, &, U+2028, U+2029). */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goValue(v: ArtifactValue): string {
  const parts: string[] = [];
  // struct field order: digest, uri; map keys sorted; omitempty drops an empty map and ""
  const digest = Object.entries(v.digest ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (digest.length) parts.push(`"digest":{${digest.map(([k, d]) => `${goString(k)}:${goString(d)}`).join(',')}}`);
  if (v.uri) parts.push(`"uri":${goString(v.uri)}`);
  return `{${parts.join(',')}}`;
}

/** `json.Marshal(artifact.Values)`: `null` for an artifact without values. */
export function artifactValuesJson(values: readonly ArtifactValue[] | undefined | null): string {
  return values ? `[${values.map(goValue).join(',')}]` : 'null';
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function parseList(v: unknown, where: string): Artifact[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new Error(`${where} is not a list`);
  return v.map((a, i) => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw new Error(`${where}[${i}] is not an object`);
    const o = a as Record<string, unknown>;
    const out: Artifact = {};
    if (typeof o.name === 'string') out.name = o.name;
    if (o.buildOutput === true) out.buildOutput = true;
    if (o.values !== undefined && o.values !== null) {
      if (!Array.isArray(o.values)) throw new Error(`${where}[${i}].values is not a list`);
      out.values = o.values.map((val, j) => {
        const r = (val ?? {}) as Record<string, unknown>;
        if (r.digest !== undefined && r.digest !== null && !isStringMap(r.digest)) throw new Error(`${where}[${i}].values[${j}].digest is not a map of strings`);
        if (r.uri !== undefined && r.uri !== null && typeof r.uri !== 'string') throw new Error(`${where}[${i}].values[${j}].uri is not a string`);
        return { ...(r.digest ? { digest: r.digest as Record<string, string> } : {}), ...(typeof r.uri === 'string' && r.uri ? { uri: r.uri } : {}) };
      });
    }
    return out;
  });
}

/** A provenance.json as Tekton's json.Unmarshal reads it (unknown fields dropped); throws on a shape Go refuses. */
export function parseArtifacts(text: string): Artifacts {
  const v = JSON.parse(text) as unknown;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('provenance.json is not an object');
  const o = v as Record<string, unknown>;
  const inputs = parseList(o.inputs, 'inputs');
  const outputs = parseList(o.outputs, 'outputs');
  return { ...(inputs ? { inputs } : {}), ...(outputs ? { outputs } : {}) };
}

function sameValue(a: ArtifactValue, b: ArtifactValue): boolean {
  return artifactValuesJson([a]) === artifactValuesJson([b]);
}

function mergeList(into: Map<string, Artifact>, more: readonly Artifact[] | undefined, keepBuildOutput: boolean): void {
  for (const a of more ?? []) {
    const name = a.name ?? '';
    const cur = into.get(name) ?? { name, values: [], ...(keepBuildOutput && a.buildOutput ? { buildOutput: true } : {}) };
    if (keepBuildOutput && a.buildOutput) cur.buildOutput = true;
    for (const v of a.values ?? []) if (!cur.values!.some((x) => sameValue(x, v))) cur.values!.push(v);
    into.set(name, cur);
  }
}

/**
 * Artifacts.Merge: by name, values deduplicated, `buildOutput` only ever turned on (outputs).
 * Go iterates a map here, so the order of names is unspecified; this keeps first-seen order.
 */
export function mergeArtifacts(a: Artifacts | undefined, b: Artifacts | undefined): Artifacts {
  const inputs = new Map<string, Artifact>();
  const outputs = new Map<string, Artifact>();
  for (const x of a?.inputs ?? []) inputs.set(x.name ?? '', { name: x.name ?? '', values: [...(x.values ?? [])] });
  for (const x of a?.outputs ?? []) outputs.set(x.name ?? '', { name: x.name ?? '', values: [...(x.values ?? [])], ...(x.buildOutput ? { buildOutput: true } : {}) });
  mergeList(inputs, b?.inputs, false);
  mergeList(outputs, b?.outputs, true);
  return { ...(inputs.size ? { inputs: [...inputs.values()] } : {}), ...(outputs.size ? { outputs: [...outputs.values()] } : {}) };
}

/**
 * `$(steps.<s>.inputs|outputs.<a>)` in `text`, from the artifacts of earlier steps (by step name,
 * without the `step-` prefix). An unknown step or artifact is an error in Tekton's entrypoint,
 * which then logs it and leaves the whole text unreplaced: so does this (`undefined`).
 */
export function applyStepArtifacts(text: string, byStep: ReadonlyMap<string, Artifacts>): string | undefined {
  if (!text.includes('$(steps.')) return text;
  let failed = false;
  const out = text.replace(STEP_ARTIFACT_REF, (_m, step: string, kind: 'inputs' | 'outputs', name: string) => {
    const a = (byStep.get(step)?.[kind] ?? []).find((x) => x.name === name);
    if (!a) failed = true;
    return a ? artifactValuesJson(a.values) : _m;
  });
  return failed ? undefined : out;
}

/** PropagateArtifacts: `tasks.<t>.inputs|outputs.<a>` and, for the first artifact, `tasks.<t>.inputs|outputs` → JSON of its values. */
export function taskArtifactReplacements(byTask: ReadonlyMap<string, Artifacts | undefined>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [task, arts] of byTask) {
    if (!arts) continue;
    for (const kind of ['inputs', 'outputs'] as const) {
      (arts[kind] ?? []).forEach((a, i) => {
        const json = artifactValuesJson(a.values);
        out.set(`tasks.${task}.${kind}.${a.name ?? ''}`, json);
        if (i === 0) out.set(`tasks.${task}.${kind}`, json);
      });
    }
  }
  return out;
}
