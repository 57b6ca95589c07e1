import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';

describe('pipeline-resources-removed', () => {
  it('refuses v1beta1 resources on a Task and a pipeline task, as the webhook does (tektoncd/catalog buildkit 0.1, s2i 0.1)', () => {
    const task = 'apiVersion: tekton.dev/v1beta1\nkind: Task\nmetadata: {name: t}\nspec:\n  resources:\n    outputs: [{name: image, type: image}]\n  steps: [{name: s, image: alpine, script: "true"}]\n';
    expect(only(checkYaml(task), 'PIPELINE_RESOURCES_REMOVED')).toEqual([{ code: 'PIPELINE_RESOURCES_REMOVED', severity: 'error', line: 5, column: 3 }]);
    const pipeline = 'apiVersion: tekton.dev/v1beta1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  tasks:\n    - name: a\n      taskRef: {name: t}\n      resources: {inputs: [{name: src, resource: git}]}\n';
    expect(only(checkYaml(pipeline), 'PIPELINE_RESOURCES_REMOVED').map((f) => f.line)).toEqual([8]);
  });
  it('says nothing of a v1beta1 run without resources', () => {
    const ok = 'apiVersion: tekton.dev/v1beta1\nkind: TaskRun\nmetadata: {name: r}\nspec:\n  taskSpec:\n    steps: [{name: s, image: alpine, script: "true"}]\n';
    expect(only(checkYaml(ok), 'PIPELINE_RESOURCES_REMOVED')).toEqual([]);
  });
});
