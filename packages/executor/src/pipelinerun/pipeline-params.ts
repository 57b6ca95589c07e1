/**
 * Pipeline-level params (§2, `pipelinerun/resources/apply.go` ApplyParameters and the runtime
 * checks of `pipelinerun.go` reconcile): defaults, run values (object values replace the default
 * wholesale), defaults referencing other params, and the ParameterMissing / ParameterTypeMismatch
 * / ObjectParameterMissKeys failures.
 */
import { type ParamSpec, type ParamValue, paramTypeOf as paramSpecType, valueType } from '@plumbing/model';
import type { ResolvedParam } from '../contracts.js';
import { paramsTable, substValue } from './pipeline-vars.js';

export type PipelineParamsOutcome = { ok: true; values: Map<string, ParamValue> } | { ok: false; reason: string; message: string };

export { paramSpecType, valueType };

function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

/**
 * Names what the messages of pipelinerun.go reconcile say around the inner error:
 * `PipelineRun <ns>/<pr> ... Pipeline <ns>/<pipeline> ...`.
 */
export interface PipelineRunNames {
  namespace: string;
  pipelineRun: string;
  pipeline: string;
}

export function resolvePipelineParams(specs: readonly ParamSpec[] | undefined, given: readonly ResolvedParam[], names?: PipelineRunNames): PipelineParamsOutcome {
  const n = names ?? { namespace: 'default', pipelineRun: 'pipelinerun', pipeline: 'pipelinerun' };
  const pr = `${n.namespace}/${n.pipelineRun}`;
  const pl = `${n.namespace}/${n.pipeline}`;
  const declared = specs ?? [];
  const givenMap = new Map(given.map((p) => [p.name, p.value]));
  // pipelinerun.go reconcile + validate_params.go ValidateRequiredParametersProvided
  const missing = declared.filter((p) => p.default === undefined && !givenMap.has(p.name)).map((p) => p.name);
  if (missing.length > 0) {
    return { ok: false, reason: 'ParameterMissing', message: `PipelineRun ${pr} is missing some parameters required by Pipeline ${pl}: PipelineRun missing parameters: ${goList(missing)}` };
  }
  // pipelinerun.go reconcile + validate_params.go ValidateParamTypesMatching (run params in their order)
  const typeOf = new Map(declared.map((p) => [p.name, paramSpecType(p)]));
  const mismatched = given.filter((p) => {
    const want = typeOf.get(p.name);
    return want !== undefined && valueType(p.value) !== want;
  });
  if (mismatched.length > 0) {
    return {
      ok: false,
      reason: 'ParameterTypeMismatch',
      message: `PipelineRun ${pr} parameters have mismatching types with Pipeline ${pl}'s parameters: parameters have inconsistent types : ${goList(mismatched.map((p) => p.name))}`,
    };
  }
  // pipelinerun.go reconcile (enable-param-enum) + validate_taskrun.go ValidateEnumParam: run params in order,
  // empty strings skipped; wrapped as a user error, so MarkFailed prefixes "[User error] "
  const enumOf = new Map(declared.filter((p) => p.enum && p.enum.length > 0).map((p) => [p.name, p.enum as string[]]));
  for (const p of given) {
    const allowed = enumOf.get(p.name);
    if (!allowed || typeof p.value !== 'string' || p.value === '') continue;
    if (!allowed.includes(p.value)) {
      return {
        ok: false,
        reason: 'InvalidParamValue',
        message: `[User error] PipelineRun ${pr} parameters have invalid value: param \`${p.name}\` value: ${p.value} is not in the enum list`,
      };
    }
  }
  // pipelinerun.go reconcile + validate_params.go ValidateObjectParamRequiredKeys (validate_taskrun.go
  // MissingKeysObjectParamNames: keys of the default and of the run value both count as provided)
  const missKeys: string[] = [];
  for (const p of declared) {
    if (paramSpecType(p) !== 'object' || !p.properties) continue;
    const provided = new Set<string>();
    let any = false;
    for (const v of [p.default, givenMap.get(p.name)]) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        any = true;
        for (const k of Object.keys(v)) provided.add(k);
      }
    }
    if (!any) continue;
    const keys = Object.keys(p.properties).filter((k) => !provided.has(k));
    if (keys.length > 0) missKeys.push(`${p.name}:${goList(keys)}`);
  }
  if (missKeys.length > 0) {
    return {
      ok: false,
      reason: 'ObjectParameterMissKeys',
      message: `PipelineRun ${pr} parameters is missing object keys required by Pipeline ${pl}'s parameters: PipelineRun missing object keys for parameters: map[${missKeys.sort().join(' ')}]`,
    };
  }

  const values = new Map<string, ParamValue>();
  const fromDefault = new Set<string>();
  for (const p of declared) {
    if (p.default !== undefined) {
      values.set(p.name, p.default);
      fromDefault.add(p.name);
    }
  }
  for (const [name, v] of givenMap) {
    values.set(name, v);
    fromDefault.delete(name);
  }
  // defaults may reference other params; resolve up to depth 10, a cycle is an error
  for (let depth = 0; depth <= 10; depth++) {
    let changed = false;
    const snapshot = new Map(values);
    const table = paramsTable(snapshot);
    for (const name of fromDefault) {
      const before = values.get(name) as ParamValue;
      const after = substValue(before, table);
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        values.set(name, after);
        changed = true;
      }
    }
    if (!changed) return { ok: true, values };
  }
  return { ok: false, reason: 'PipelineValidationFailed', message: 'circular dependency detected in parameter references' };
}
