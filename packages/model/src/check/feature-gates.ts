/**
 * What the admission webhook refuses under a repository's configured feature flags
 * (`.plumbing.yaml` run section): `check`'s FEATURE_FLAG_REQUIRED findings that the flags do not
 * enable become errors (an alpha field under beta or stable; artifacts without
 * `enable-artifacts`, container_validation.go validateArtifactsReferencesInStep). Without
 * configured flags, nothing changes: the findings stay warnings. Each such finding carries its
 * gate as data (`Finding.gate`, set by the rule that reports it).
 */
import type { RunConfig } from '../config-run.js';
import { gateOpen } from '../tekton/feature-flags.js';
import type { Finding } from './finding.js';

/** `check`'s findings as the configured flags make them (per-feature flags such as enable-artifacts included). */
export function applyFeatureGates(findings: readonly Finding[], run: RunConfig): Finding[] {
  if (!run.featureFlagSources.length) return [...findings];
  const flags = run.featureFlags;
  const sources = run.featureFlagSources.join(' and ');
  return findings.map((f) => {
    const gate = f.gate;
    if (f.code !== 'FEATURE_FLAG_REQUIRED' || !gate || gateOpen(flags, gate)) return f;
    const why = 'flag' in gate ? `${gate.flag} is not "true"` : `enable-api-fields is "${flags.enableApiFields}"`;
    return { ...f, severity: 'error' as const, message: `${f.message} (refused: in the feature flags of ${sources}, ${why})` };
  });
}
