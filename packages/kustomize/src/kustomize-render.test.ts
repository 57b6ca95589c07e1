import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRepository, type Finding } from '@plumbing/model';
import { kustomizeBuilder } from './builder.js';
import { KustomizeRenderer } from './renderer.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A repository of real files in a temp dir. */
function repo(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'plumbing-kustomize-render-'));
  mkdirSync(join(dir, '.git'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

const TASK = ['apiVersion: tekton.dev/v1', 'kind: Task', 'metadata:', '  name: build', 'spec:', '  steps:', '    - name: compile', '      image: docker.io/library/alpine:3.20', '      command: [sh]', '      script: echo hi', ''].join('\n');

/** A base Task with an error of its own and a generated ConfigMap; an overlay patches the Task twice (each patch with an error). */
const BASE_AND_OVERLAY: Record<string, string> = {
  'base/kustomization.yaml': ['resources:', '  - task.yaml', 'configMapGenerator:', '  - name: settings', '    literals: [mode=fast]', ''].join('\n'),
  'base/task.yaml': TASK,
  'overlay/kustomization.yaml': ['resources:', '  - ../base', 'namePrefix: dev-', 'namespace: ci', 'patches:', '  - path: sidecar.yaml', '  - target: {kind: Task, name: build}', '    path: rename.yaml', ''].join('\n'),
  'overlay/sidecar.yaml': ['apiVersion: tekton.dev/v1', 'kind: Task', 'metadata:', '  name: build', 'spec:', '  sidecars:', '    - name: cache', '      workingDir: /cache', ''].join('\n'),
  'overlay/rename.yaml': ['- op: replace', '  path: /spec/steps/0/name', '  value: Compile_Step', ''].join('\n'),
};

const brief = (fs: Finding[], severities: Finding['severity'][] = ['error']) =>
  fs.filter((f) => severities.includes(f.severity)).map((f) => [f.code, f.file, f.line, f.column]);

const check = (root: string) => checkRepository(root, { kustomize: kustomizeBuilder(root) });

describe('KustomizeRenderer (kustomize-render, sigs.k8s.io/kustomize/api)', () => {
  it('renders resources and generators with their origins, and never fetches a remote base', async () => {
    const root = repo({ ...BASE_AND_OVERLAY, 'overlay/kustomization.yaml': 'resources:\n  - ../base\n  - https://example.invalid/x?ref=v1\nnamePrefix: dev-\n' });
    const r = await KustomizeRenderer.start();
    try {
      const build = await r.render(join(root, 'overlay'));
      expect(build.error).toBeUndefined();
      expect(build.remote).toEqual(['https://example.invalid/x?ref=v1']);
      expect(build.objects.map((o) => o.origin)).toEqual([
        { path: '../base/task.yaml', configuredBy: {} },
        { configuredIn: '../base/kustomization.yaml', configuredBy: { apiVersion: 'builtin', kind: 'ConfigMapGenerator' } },
      ]);
      expect(build.objects[1]?.yaml).toMatch(/^ {2}name: dev-settings-[a-z0-9]{10}$/m);
      expect(build.objects.map((o) => o.yaml).join('')).not.toContain('config.kubernetes.io');
    } finally {
      await r.close();
    }
  });

  it("answers kustomize's own error for a kustomization it cannot build", async () => {
    const root = repo({ 'k/kustomization.yaml': 'resources: [missing.yaml]\n' });
    const r = await KustomizeRenderer.start();
    try {
      const build = await r.render(join(root, 'k'));
      expect(build.objects).toEqual([]);
      expect(build.error).toContain('missing.yaml');
    } finally {
      await r.close();
    }
  });
});

describe('plumbing check on kustomizations rendered by kustomize itself', () => {
  it('reports errors at the base file, at the patch files, once for two overlays', async () => {
    const { findings } = await check(repo({ ...BASE_AND_OVERLAY, 'prod/kustomization.yaml': 'resources: [../base]\nnamePrefix: prod-\n' }));
    expect(brief(findings)).toEqual([
      ['STEP_SCRIPT_WITH_COMMAND', 'base/task.yaml', 9, 7],
      ['STEP_INVALID_NAME', 'overlay/rename.yaml', 3, 10],
      ['STEP_MISSING_IMAGE', 'overlay/sidecar.yaml', 7, 7],
    ]);
  });

  it('checks generated objects and reports them at their generator entry', async () => {
    const files = { ...BASE_AND_OVERLAY };
    files['base/kustomization.yaml'] = ['resources: [task.yaml]', 'configMapGenerator:', '  - name: settings', '    literals: [mode=fast]', '    options:', '      labels: {"bad label!": x}', ''].join('\n');
    const { findings } = await check(repo(files));
    expect(brief(findings).filter(([code]) => code === 'INVALID_METADATA')).toEqual([['INVALID_METADATA', 'base/kustomization.yaml', 3, 5]]);
  });

  it("turns kustomize's error into one finding at the kustomization file", async () => {
    const { findings } = await check(repo({ 'k/kustomization.yaml': 'resources:\n  - task.yaml\npatches:\n  - path: nothing-here.yaml\n', 'k/task.yaml': TASK }));
    // its resources are then checked as files on their own
    expect(brief(findings)).toEqual([
      ['KUSTOMIZE_BUILD_FAILED', 'k/kustomization.yaml', 4, 11],
      ['STEP_SCRIPT_WITH_COMMAND', 'k/task.yaml', 9, 7],
    ]);
    expect(findings.find((f) => f.code === 'KUSTOMIZE_BUILD_FAILED')?.message).toContain('nothing-here.yaml');
  });

  it('warns, not errs, when a listed resource is absent from the tree (a manifest a delivery job fetches before it builds)', async () => {
    const { findings } = await check(repo({ 'cd/base/kustomization.yaml': 'resources:\n  - release.yaml\n  - task.yaml\n', 'cd/base/task.yaml': TASK }));
    expect(brief(findings, ['error', 'warning']).filter(([code]) => String(code).startsWith('KUSTOMIZE'))).toEqual([['KUSTOMIZE_RESOURCE_MISSING', 'cd/base/kustomization.yaml', 2, 5]]);
    const message = findings.find((f) => f.code === 'KUSTOMIZE_RESOURCE_MISSING')?.message ?? '';
    expect(message).toContain('it lists release.yaml, which is not here');
    // the machine's absolute path of the repository is cut from kustomize's message
    expect(message).not.toContain(dir);
    expect(brief(findings)).toEqual([['STEP_SCRIPT_WITH_COMMAND', 'cd/base/task.yaml', 9, 7]]);
  });

  it('without Go, renders with the built-in approximation and says so once per kustomization', async () => {
    const root = repo(BASE_AND_OVERLAY);
    const builder = kustomizeBuilder(root, { env: { PATH: '/nonexistent', HOME: tmpdir(), PLUMBING_KUSTOMIZE_CACHE: join(root, '.cache') } });
    const { findings } = await checkRepository(root, { kustomize: builder });
    expect(brief(findings, ['info']).filter(([code]) => code === 'KUSTOMIZE_APPROXIMATED')).toEqual([['KUSTOMIZE_APPROXIMATED', 'overlay/kustomization.yaml', 1, 1]]);
    expect(brief(findings)).toContainEqual(['STEP_MISSING_IMAGE', 'overlay/sidecar.yaml', 7, 7]);
  });
});
