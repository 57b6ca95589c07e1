import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_FLAGS, gateOpen, parseFeatureFlags } from './feature-flags.js';

describe('parseFeatureFlags', () => {
  it("gives Tekton's defaults for an empty ConfigMap", () => {
    expect(parseFeatureFlags({})).toEqual({ flags: DEFAULT_FEATURE_FLAGS, errors: [] });
    expect(DEFAULT_FEATURE_FLAGS).toMatchObject({ enableApiFields: 'beta', resultsFrom: 'termination-message', maxResultSize: 4096, enableArtifacts: false });
  });

  it('reads results-from, max-result-size, enable-api-fields (case-insensitive) and Go booleans', () => {
    const { flags, errors } = parseFeatureFlags({ 'results-from': 'sidecar-logs', 'max-result-size': '8192', 'enable-api-fields': 'Alpha', 'enable-artifacts': 'T', 'enable-param-enum': '0' });
    expect(errors).toEqual([]);
    expect(flags).toMatchObject({ resultsFrom: 'sidecar-logs', maxResultSize: 8192, enableApiFields: 'alpha', enableArtifacts: true, enableParamEnum: false });
  });

  it('refuses the values the controller refuses, with its messages, and keeps the defaults for them', () => {
    const { flags, errors } = parseFeatureFlags({ 'enable-api-fields': 'gamma', 'results-from': 'logs', 'max-result-size': '2000000', 'enable-artifacts': 'yes' });
    expect(errors.map((e) => e.key)).toEqual(['enable-api-fields', 'results-from', 'max-result-size', 'enable-artifacts']);
    expect(errors[0]!.message).toBe('invalid value for feature flag "enable-api-fields": "gamma"');
    expect(flags).toEqual(DEFAULT_FEATURE_FLAGS);
  });
});

describe('gateOpen', () => {
  it('admits beta fields under beta and alpha, alpha fields only under alpha, per-feature flags by their own key', () => {
    const stable = parseFeatureFlags({ 'enable-api-fields': 'stable' }).flags;
    const beta = DEFAULT_FEATURE_FLAGS;
    const alpha = parseFeatureFlags({ 'enable-api-fields': 'alpha' }).flags;
    expect([stable, beta, alpha].map((f) => gateOpen(f, { apiFields: 'beta' }))).toEqual([false, true, true]);
    expect([stable, beta, alpha].map((f) => gateOpen(f, { apiFields: 'alpha' }))).toEqual([false, false, true]);
    expect(gateOpen(alpha, { flag: 'enable-artifacts' })).toBe(false);
    expect(gateOpen(parseFeatureFlags({ 'enable-artifacts': 'true' }).flags, { flag: 'enable-artifacts' })).toBe(true);
  });
});
