import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfig } from '../config-run.js';
import { type FeatureGate, parseFeatureFlags } from '../tekton/feature-flags.js';
import { checkRepository } from './check-repository.js';
import { applyFeatureGates } from './feature-gates.js';
import type { Finding } from './finding.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

// a beta field (matrix) and an alpha one (step when)
const PIPELINE = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: p}
spec:
  tasks:
    - name: t
      matrix:
        params: [{name: v, value: [a, b]}]
      taskSpec:
        params: [{name: v}]
        steps:
          - name: s
            image: alpine
            when: [{input: a, operator: in, values: [a]}]
            script: echo $(params.v)
`;

async function gated(plumbingYaml: string | undefined) {
  const root = mkdtempSync(join(tmpdir(), 'plumbing-gates-'));
  roots.push(root);
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'p.yaml'), PIPELINE);
  if (plumbingYaml) writeFileSync(join(root, '.plumbing.yaml'), plumbingYaml);
  const { findings } = await checkRepository(root);
  return findings.filter((f) => f.code === 'FEATURE_FLAG_REQUIRED').map((f) => ({ line: f.line, severity: f.severity }));
}

describe('feature gates in check', () => {
  it('keeps gated fields warnings without configured flags, and refuses what the configured flags do not enable', async () => {
    expect(await gated(undefined)).toEqual([
      { line: 7, severity: 'warning' },
      { line: 14, severity: 'warning' },
    ]);
    expect(await gated('run:\n  featureFlags:\n    enable-api-fields: stable\n')).toEqual([
      { line: 7, severity: 'error' },
      { line: 14, severity: 'error' },
    ]);
    expect(await gated('run:\n  featureFlags:\n    enable-api-fields: beta\n')).toEqual([
      { line: 7, severity: 'warning' },
      { line: 14, severity: 'error' },
    ]);
  });
});

describe('applyFeatureGates', () => {
  const run = (data: Record<string, string>): RunConfig => ({ imageConfigs: {}, featureFlags: parseFeatureFlags(data).flags, featureFlagSources: ['.plumbing.yaml'] });
  const finding = (gate: FeatureGate): Finding => ({ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', message: 'matrix is a beta feature', file: 'p.yaml', line: 1, column: 1, gate });

  it('decides by the finding gate, whatever its message says', () => {
    const [byFlag] = applyFeatureGates([finding({ flag: 'enable-param-enum' })], run({ 'enable-api-fields': 'alpha' }));
    expect(byFlag?.severity).toBe('error');
    const [open] = applyFeatureGates([finding({ flag: 'enable-param-enum' })], run({ 'enable-param-enum': 'true' }));
    expect(open?.severity).toBe('warning');
  });

  it('carries each gate on the finding as data', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plumbing-gates-'));
    roots.push(root);
    mkdirSync(join(root, '.git'));
    writeFileSync(join(root, 'p.yaml'), PIPELINE);
    const { findings } = await checkRepository(root);
    expect(findings.filter((f) => f.code === 'FEATURE_FLAG_REQUIRED').map((f) => ({ line: f.line, gate: f.gate }))).toEqual([
      { line: 7, gate: { apiFields: 'beta' } },
      { line: 14, gate: { apiFields: 'alpha' } },
    ]);
  });
});
