/**
 * Tekton's `feature-flags` ConfigMap (`pkg/apis/config/feature_flags.go` NewFeatureFlagsFromMap):
 * the defaults, the parsing of its `data` with Tekton's error messages, and the gate of fields
 * that need `enable-api-fields: alpha|beta` or a per-feature flag (docs/tekton-semantics.md §1, §5.1).
 */

export type ApiFields = 'alpha' | 'beta' | 'stable';
export type ResultsFrom = 'termination-message' | 'sidecar-logs';

export interface FeatureFlags {
  enableApiFields: ApiFields;
  resultsFrom: ResultsFrom;
  /** Per result under sidecar-logs; the termination message is always 4096 bytes per step. */
  maxResultSize: number;
  enableArtifacts: boolean;
  enableParamEnum: boolean;
  enableCelInWhenExpression: boolean;
  enableConciseResolverSyntax: boolean;
  keepPodOnCancel: boolean;
}

/** Kubernetes' termination-message limit per container (`pkg/termination/write.go`). */
export const TERMINATION_MESSAGE_LIMIT = 4096;

/** Tekton's defaults (an empty ConfigMap): beta API fields, termination-message results, per-feature alpha flags off. */
export const DEFAULT_FEATURE_FLAGS: Readonly<FeatureFlags> = Object.freeze({
  enableApiFields: 'beta',
  resultsFrom: 'termination-message',
  maxResultSize: 4096,
  enableArtifacts: false,
  enableParamEnum: false,
  enableCelInWhenExpression: false,
  enableConciseResolverSyntax: false,
  keepPodOnCancel: false,
});

/** A key of the ConfigMap whose value Tekton refuses (the controller would not start with it). */
export interface FeatureFlagError {
  key: string;
  message: string;
}

const BOOL_KEYS = {
  'enable-artifacts': 'enableArtifacts',
  'enable-param-enum': 'enableParamEnum',
  'enable-cel-in-whenexpression': 'enableCelInWhenExpression',
  'enable-concise-resolver-syntax': 'enableConciseResolverSyntax',
  'keep-pod-on-cancel': 'keepPodOnCancel',
} as const satisfies Readonly<Record<string, keyof FeatureFlags>>;

/** A per-feature boolean key of the ConfigMap. */
export type FeatureFlagKey = keyof typeof BOOL_KEYS;

/** Go's strconv.ParseBool. */
function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** The flags a ConfigMap's `data` gives (unknown keys are ignored, as Tekton does); refused values keep the default. */
export function parseFeatureFlags(data: Readonly<Record<string, string>>): { flags: FeatureFlags; errors: FeatureFlagError[] } {
  const flags: FeatureFlags = { ...DEFAULT_FEATURE_FLAGS };
  const errors: FeatureFlagError[] = [];
  const api = data['enable-api-fields'];
  if (api !== undefined) {
    const v = api.toLowerCase();
    if (v === 'alpha' || v === 'beta' || v === 'stable') flags.enableApiFields = v;
    else errors.push({ key: 'enable-api-fields', message: `invalid value for feature flag "enable-api-fields": "${v}"` });
  }
  const rf = data['results-from'];
  if (rf !== undefined) {
    const v = rf.toLowerCase();
    if (v === 'termination-message' || v === 'sidecar-logs') flags.resultsFrom = v;
    else errors.push({ key: 'results-from', message: `invalid value for feature flag "results-from": "${v}"` });
  }
  const size = data['max-result-size'];
  if (size !== undefined) {
    const n = /^[+-]?\d+$/.test(size.trim()) ? Number(size.trim()) : Number.NaN;
    if (!Number.isSafeInteger(n)) errors.push({ key: 'max-result-size', message: `strconv.Atoi: parsing "${size}": invalid syntax` });
    // feature_flags.go setMaxResultSize names the results-from key in this message
    else if (n >= 1572864) errors.push({ key: 'max-result-size', message: `invalid value for feature flag "results-from": "${n}". This is exceeding the CRD limit` });
    else flags.maxResultSize = n;
  }
  for (const [key, field] of Object.entries(BOOL_KEYS) as [FeatureFlagKey, keyof FeatureFlags][]) {
    const raw = data[key];
    if (raw === undefined) continue;
    const b = parseGoBool(raw);
    if (b === undefined) errors.push({ key, message: `failed parsing feature flags config "${raw}": strconv.ParseBool: parsing "${raw}": invalid syntax for feature ${key}` });
    else (flags as unknown as Record<string, unknown>)[field] = b;
  }
  return { flags, errors };
}

/** What a gated field needs: an API level, or a per-feature flag (which Tekton checks on its own). */
export type FeatureGate = { apiFields: 'alpha' | 'beta' } | { flag: FeatureFlagKey };

/** Whether the flags admit a field behind `gate` (the webhook's ValidateEnabledAPIFields / per-feature checks). */
export function gateOpen(flags: Readonly<FeatureFlags>, gate: FeatureGate): boolean {
  if ('flag' in gate) return flags[BOOL_KEYS[gate.flag]] === true;
  if (gate.apiFields === 'alpha') return flags.enableApiFields === 'alpha';
  return flags.enableApiFields === 'alpha' || flags.enableApiFields === 'beta';
}
