import { join } from 'node:path';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { triggerTemplateRuns } from './post-deploy-tests.js';
import { loadClusterConfig, renderCluster } from '../render.js';

describe('the runs a TriggerTemplate would create', () => {
  it('fills params with their defaults or test values, and sets the namespace and a name', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
    const runs = triggerTemplateRuns(renderCluster(root, loadClusterConfig(root, 'dogfooding')).objects);
    expect(runs.length).toBeGreaterThan(0);
    for (const { run } of runs) {
      expect(JSON.stringify(run)).not.toMatch(/\$\(tt\.params\./);
      expect(run.metadata.namespace).toBe('tekton-ci');
      expect(run.metadata.name).toMatch(/dryrun$/);
    }
  });
});
