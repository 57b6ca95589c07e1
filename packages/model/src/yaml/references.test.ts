import { describe, expect, it } from 'vitest';
import { referencesOf } from './references.js';
import { RepoIndex } from './repo-index.js';
import { loadYaml } from './source.js';

const files: Record<string, string> = {
  'tasks/build/0.1/build.yaml': 'apiVersion: tekton.dev/v1\nkind: Task\nmetadata: {name: build}\nspec: {steps: [{name: s, ref: {name: act}}]}\n',
  'pipelines/ci/ci.yaml': 'apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: ci}\nspec:\n  tasks:\n    - {name: a, taskRef: {name: build}}\n    - {name: b, taskRef: {resolver: git}}\n  finally:\n    - {name: c, taskRef: {name: missing}}\n',
  'clusters/x/triggers.yaml': [
    'apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerTemplate\nmetadata: {name: tt}\nspec:\n  resourcetemplates:\n    - {apiVersion: tekton.dev/v1, kind: PipelineRun, metadata: {generateName: r-}, spec: {pipelineRef: {name: ci}, taskRunTemplate: {serviceAccountName: sa}}}\n',
    'apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata: {name: el}\nspec:\n  serviceAccountName: sa\n  triggers:\n    - {name: t, bindings: [{ref: tb}], template: {ref: tt}}\n',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: sa}]\n',
    'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n',
  ].join('---\n'),
};

describe('referencesOf', () => {
  const index = new RepoIndex(Object.entries(files).map(([f, t]) => loadYaml(f, t)));
  const refs = (kind: string) =>
    referencesOf(index.ofKind(kind)[0]!, index).map((r) => ({ kind: r.kind, name: r.name, path: r.path.join('.'), found: r.target !== undefined }));

  it('lists a pipeline\'s task references, skipping resolver refs', () => {
    expect(refs('Pipeline')).toEqual([
      { kind: 'Task', name: 'build', path: 'spec.tasks.0.taskRef.name', found: true },
      { kind: 'Task', name: 'missing', path: 'spec.finally.0.taskRef.name', found: false },
    ]);
  });

  it('lists StepAction refs of a Task', () => {
    expect(refs('Task')).toEqual([{ kind: 'StepAction', name: 'act', path: 'spec.steps.0.ref.name', found: false }]);
  });

  it('resolves TriggerTemplate → Pipeline and EventListener → bindings, templates, ServiceAccount', () => {
    expect(refs('TriggerTemplate')).toEqual([
      { kind: 'Pipeline', name: 'ci', path: 'spec.resourcetemplates.0.spec.pipelineRef.name', found: true },
      { kind: 'ServiceAccount', name: 'sa', path: 'spec.resourcetemplates.0.spec.taskRunTemplate.serviceAccountName', found: true },
    ]);
    expect(refs('EventListener')).toEqual([
      { kind: 'ServiceAccount', name: 'sa', path: 'spec.serviceAccountName', found: true },
      { kind: 'TriggerBinding', name: 'tb', path: 'spec.triggers.0.bindings.0.ref', found: false },
      { kind: 'TriggerTemplate', name: 'tt', path: 'spec.triggers.0.template.ref', found: true },
    ]);
  });

  it('resolves RoleBinding → Role and ServiceAccount', () => {
    expect(refs('RoleBinding')).toEqual([
      { kind: 'Role', name: 'r', path: 'roleRef.name', found: false },
      { kind: 'ServiceAccount', name: 'sa', path: 'subjects.0.name', found: true },
    ]);
  });
});
