import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { selectCrds, tektonModules, withoutConversionWebhook } from './tekton-crds.js';
import { KUBE_VERSIONS } from './versions.js';

const mixed = readFileSync(new URL('../test/fixtures/crds/mixed.yaml', import.meta.url), 'utf8');

describe('selectCrds', () => {
  it('keeps only apiextensions.k8s.io/v1 CustomResourceDefinitions', () => {
    expect(selectCrds(mixed, 'mixed.yaml').map((c) => c.metadata.name)).toEqual(['tasks.tekton.dev', 'triggers.triggers.tekton.dev']);
  });

  it('replaces a Webhook conversion with None, since no webhook runs in the test cluster', () => {
    const [tasks] = selectCrds(mixed, 'mixed.yaml');
    expect(tasks?.spec.conversion).toEqual({ strategy: 'None' });
  });

  it('leaves a CRD without conversion as it was', () => {
    const [, triggers] = selectCrds(mixed, 'mixed.yaml');
    expect(triggers?.spec).not.toHaveProperty('conversion');
    expect(triggers?.spec.group).toBe('triggers.tekton.dev');
  });

  it('fails on a CRD without a name, with a stable code', () => {
    const text = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {}\nspec: {}\n';
    expect(() => selectCrds(text, 'bad.yaml')).toThrow(expect.objectContaining({ code: 'TEKTON_CRD_INVALID' }));
  });

  it('fails on broken YAML', () => {
    expect(() => selectCrds('a: [', 'broken.yaml')).toThrow(expect.objectContaining({ code: 'TEKTON_CRD_INVALID' }));
  });
});

describe('withoutConversionWebhook', () => {
  it('does not mutate its input', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1' as const,
      kind: 'CustomResourceDefinition' as const,
      metadata: { name: 'x.example.dev' },
      spec: { conversion: { strategy: 'Webhook' } },
    };
    expect(withoutConversionWebhook(crd).spec.conversion).toEqual({ strategy: 'None' });
    expect(crd.spec.conversion).toEqual({ strategy: 'Webhook' });
  });
});

describe('tektonModules', () => {
  it('pins both Tekton modules to the versions in versions.ts', () => {
    expect(tektonModules(KUBE_VERSIONS)).toEqual([
      `github.com/tektoncd/pipeline@${KUBE_VERSIONS.tektonPipeline}`,
      `github.com/tektoncd/triggers@${KUBE_VERSIONS.tektonTriggers}`,
    ]);
  });
});
