import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRepository } from '../check/check-repository.js';
import type { Finding } from '../check/finding.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A repository of real files in a temp dir. */
function repo(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'plumbing-kustomize-'));
  mkdirSync(join(dir, '.git'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

const brief = (fs: Finding[], severities: Finding['severity'][] = ['error']) =>
  fs.filter((f) => severities.includes(f.severity)).map((f) => [f.code, f.file, f.line, f.column]);

/** A base Task with an error of its own, and an overlay that patches it twice (each patch with an error). */
export const BASE_AND_OVERLAY: Record<string, string> = {
  'base/kustomization.yaml': 'resources:\n  - task.yaml\n',
  'base/task.yaml': [
    'apiVersion: tekton.dev/v1',
    'kind: Task',
    'metadata:',
    '  name: build',
    'spec:',
    '  steps:',
    '    - name: compile',
    '      image: docker.io/library/alpine:3.20',
    '      command: [sh]',
    '      script: echo hi',
    '',
  ].join('\n'),
  'overlay/kustomization.yaml': ['resources:', '  - ../base', 'namePrefix: dev-', 'namespace: ci', 'patches:', '  - path: sidecar.yaml', '  - target: {kind: Task, name: build}', '    path: rename.yaml', ''].join('\n'),
  // A strategic-merge patch: a partial Task (no steps), never an object on its own.
  'overlay/sidecar.yaml': ['apiVersion: tekton.dev/v1', 'kind: Task', 'metadata:', '  name: build', 'spec:', '  sidecars:', '    - name: cache', '      workingDir: /cache', ''].join('\n'),
  'overlay/rename.yaml': ['- op: replace', '  path: /spec/steps/0/name', '  value: Compile_Step', ''].join('\n'),
};

describe('plumbing check on kustomizations (rendered with the built-in kustomize)', () => {
  it('reports an error of the base at the base file (once for two overlays), and errors that patches write at the patch files', async () => {
    const { findings } = await checkRepository(repo({ ...BASE_AND_OVERLAY, 'prod/kustomization.yaml': 'resources: [../base]\nnamePrefix: prod-\n' }));
    expect(brief(findings)).toEqual([
      ['STEP_SCRIPT_WITH_COMMAND', 'base/task.yaml', 9, 7],
      ['STEP_INVALID_NAME', 'overlay/rename.yaml', 3, 10],
      ['STEP_MISSING_IMAGE', 'overlay/sidecar.yaml', 7, 7],
    ]);
  });

  it('points into an inline patch at the line of the kustomization file', async () => {
    const files = { ...BASE_AND_OVERLAY };
    files['overlay/kustomization.yaml'] = [
      'resources: [../base]',
      'patches:',
      '  - patch: |-',
      '      apiVersion: tekton.dev/v1',
      '      kind: Task',
      '      metadata:',
      '        name: build',
      '      spec:',
      '        sidecars:',
      '          - name: cache',
      '  - target: {kind: Task}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/steps/0/name',
      '        value: Compile_Step',
      '',
    ].join('\n');
    const { findings } = await checkRepository(repo(files));
    expect(brief(findings).filter(([, file]) => file === 'overlay/kustomization.yaml')).toEqual([
      ['STEP_MISSING_IMAGE', 'overlay/kustomization.yaml', 10, 13],
      ['STEP_INVALID_NAME', 'overlay/kustomization.yaml', 15, 16],
    ]);
  });

  it('finds nothing in a patch-only file that is clean once applied (a partial Task: no missing steps)', async () => {
    const files = { ...BASE_AND_OVERLAY };
    delete files['overlay/sidecar.yaml'];
    delete files['overlay/rename.yaml'];
    files['overlay/kustomization.yaml'] = 'resources: [../base]\npatches:\n  - path: steps.yaml\n';
    files['base/task.yaml'] = (files['base/task.yaml'] as string).replace('      command: [sh]\n', '');
    files['overlay/steps.yaml'] = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  description: patched\n';
    const { findings } = await checkRepository(repo(files));
    expect(brief(findings)).toEqual([]);
    expect(findings.filter((f) => f.file.startsWith('overlay/'))).toEqual([]);
  });

  it('checks a base through its overlay: a base completed by the overlay has no error of its own', async () => {
    const files: Record<string, string> = { 'base/kustomization.yaml': 'resources: [task.yaml]\n' };
    files['base/task.yaml'] = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  description: steps come from the overlay\n';
    files['overlay/kustomization.yaml'] = 'resources: [../base]\npatches:\n  - path: steps.yaml\n';
    files['overlay/steps.yaml'] = 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  steps:\n    - name: compile\n      image: docker.io/library/alpine:3.20\n      script: "#!/bin/sh\\necho hi"\n';
    const { findings } = await checkRepository(repo(files));
    expect(brief(findings)).toEqual([]);
    // Without the overlay, the base is rendered on its own, and a Task without steps is an error.
    delete files['overlay/kustomization.yaml'];
    expect(brief((await checkRepository(repo(files))).findings).filter(([, file]) => file === 'base/task.yaml')).toEqual([['TASK_MISSING_STEPS', 'base/task.yaml', 5, 1]]);
  });

  it('gives a ClusterRoleBinding subject the namespace of its ServiceAccount, as kustomize does', async () => {
    const rbac = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nsubjects:\n  - kind: ServiceAccount\n    name: sa\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: edit\n';
    const { findings } = await checkRepository(repo({ 'k/kustomization.yaml': 'namespace: ci\nresources: [rbac.yaml]\n', 'k/rbac.yaml': rbac, 'plain/rbac.yaml': rbac }));
    expect(brief(findings)).toEqual([['RBAC_INVALID', 'plain/rbac.yaml', 11, 5]]);
  });

  it('reports a duplicate within one kustomization, not across two', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n';
    const { findings } = await checkRepository(
      repo({
        'a/kustomization.yaml': 'resources: [cm.yaml]\n',
        'a/cm.yaml': cm,
        'b/kustomization.yaml': 'resources: [cm.yaml]\n',
        'b/cm.yaml': cm,
        'c/kustomization.yaml': 'resources: [one.yaml, two.yaml]\n',
        'c/one.yaml': cm,
        'c/two.yaml': cm,
      }),
    );
    expect(brief(findings)).toEqual([['DUPLICATE_RESOURCE', 'c/two.yaml', 4, 9]]);
  });

  it('never fetches a remote base: one info, the local resources rendered, the patches of remote objects not checked', async () => {
    const { findings } = await checkRepository(
      repo({
        'k/kustomization.yaml': 'resources:\n  - https://github.com/tektoncd/catalog/task/git-clone/0.9?ref=main\n  - task.yaml\n  - pipeline.yaml\nnamespace: ci\npatches:\n  - path: p.yaml\n  - path: local.yaml\n',
        'k/local.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: build\nspec:\n  sidecars:\n    - name: cache\n',
        // A Pipeline of the local kustomization that uses a Task of the remote base: not reported as missing.
        'k/pipeline.yaml': 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: p\nspec:\n  tasks:\n    - name: clone\n      taskRef:\n        name: golang-build\n',
        'k/task.yaml': BASE_AND_OVERLAY['base/task.yaml'] as string,
        'k/p.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: git-clone\nspec:\n  description: x\n',
      }),
    );
    expect(brief(findings, ['error', 'warning', 'info']).filter(([code]) => code !== 'IMAGE_NOT_FULLY_QUALIFIED' && code !== 'SCRIPT_MISSING_SHEBANG')).toEqual([
      ['KUSTOMIZE_REMOTE_BASE', 'k/kustomization.yaml', 2, 5],
      ['STEP_MISSING_IMAGE', 'k/local.yaml', 7, 7],
      ['KUSTOMIZE_PATCH_NOT_CHECKED', 'k/p.yaml', 1, 1],
      ['STEP_SCRIPT_WITH_COMMAND', 'k/task.yaml', 9, 7],
    ]);
  });

  it('gives each inline patch of a remote object its own info, at its line', async () => {
    const patch = (name: string) => ['  - patch: |-', '      apiVersion: tekton.dev/v1', '      kind: Task', '      metadata:', `        name: ${name}`];
    const k = ['resources:', '  - github.com/tektoncd/catalog/task/x?ref=main', 'patches:', ...patch('a'), ...patch('b'), ''].join('\n');
    const { findings } = await checkRepository(repo({ 'k/kustomization.yaml': k }));
    expect(brief(findings, ['info'])).toEqual([
      ['KUSTOMIZE_REMOTE_BASE', 'k/kustomization.yaml', 2, 5],
      ['KUSTOMIZE_PATCH_NOT_CHECKED', 'k/kustomization.yaml', 5, 7],
      ['KUSTOMIZE_PATCH_NOT_CHECKED', 'k/kustomization.yaml', 10, 7],
    ]);
  });

  it('warns about a strategic-merge patch that matches no object, at its name', async () => {
    const files: Record<string, string> = { ...BASE_AND_OVERLAY, 'overlay/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: sidecar.yaml\n' };
    files['overlay/sidecar.yaml'] = (files['overlay/sidecar.yaml'] as string).replace('name: build', 'name: biuld');
    const { findings } = await checkRepository(repo(files));
    expect(brief(findings, ['warning']).filter(([code]) => code === 'KUSTOMIZE_PATCH_NO_TARGET')).toEqual([['KUSTOMIZE_PATCH_NO_TARGET', 'overlay/sidecar.yaml', 4, 9]]);
  });

  it('does not crash on a kustomization it cannot read: an invalid target expression is one info', async () => {
    const files = { ...BASE_AND_OVERLAY };
    files['overlay/kustomization.yaml'] = 'resources: [../base]\npatches:\n  - path: rename.yaml\n    target: {kind: Task, name: "build("}\n';
    const { findings } = await checkRepository(repo(files));
    expect(brief(findings, ['error', 'info']).filter(([code]) => String(code).startsWith('KUSTOMIZE') || code === 'INTERNAL_ERROR')).toEqual([
      ['KUSTOMIZE_NOT_RENDERED', 'overlay/kustomization.yaml', 1, 1],
    ]);
  });

  it('checks only the selected files: a patch selected alone reports what it writes', async () => {
    const root = repo(BASE_AND_OVERLAY);
    const { findings } = await checkRepository(root, { paths: [join(root, 'overlay/sidecar.yaml')] });
    expect(brief(findings)).toEqual([['STEP_MISSING_IMAGE', 'overlay/sidecar.yaml', 7, 7]]);
  });
});
