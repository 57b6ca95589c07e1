import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

const pipeline = yaml`
  apiVersion: tekton.dev/v1
  kind: Pipeline
  metadata:
    name: build
  spec:
    workspaces: [{name: src}, {name: config}]
    tasks:
      - name: clone
        workspaces: [{name: output, workspace: src}]
        taskSpec: {workspaces: [{name: output}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}
      - name: test
        runAfter: [clone]
        workspaces: [{name: src}, {name: config, workspace: config}]
        taskSpec: {workspaces: [{name: src}, {name: config, readOnly: true}], steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]}
`;
const run = (bindings: string) => `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  pipelineRef: {name: build}\n  workspaces:\n${bindings}`;
const check = (bindings: string) => only(checkFiles({ 'pipeline.yaml': pipeline, 'run.yaml': run(bindings) }), 'EMPTYDIR_WORKSPACE_NOT_SHARED');

describe('emptydir-workspace-not-shared', () => {
  it('warns at the emptyDir binding when one task writes the workspace and another uses it', () => {
    expect(check('    - {name: src, emptyDir: {}}\n    - {name: config, configMap: {name: c}}\n')).toEqual([{ code: 'EMPTYDIR_WORKSPACE_NOT_SHARED', severity: 'warning', line: 8, column: 19 }]);
  });

  it('says nothing for a volumeClaimTemplate, or for an emptyDir only one task uses', () => {
    expect(check('    - {name: src, volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}}\n    - {name: config, emptyDir: {}}\n')).toEqual([]);
  });

  it('follows an embedded pipelineSpec too', () => {
    const embedded = pipeline.replace(/^[\s\S]*?spec:\n/, '').replace(/^/gm, '  ');
    const text = `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: r\nspec:\n  pipelineSpec:\n${embedded}\n  workspaces:\n    - name: src\n      emptyDir: {}\n`;
    expect(only(checkFiles({ 'run.yaml': text }), 'EMPTYDIR_WORKSPACE_NOT_SHARED').map((f) => f.code)).toEqual(['EMPTYDIR_WORKSPACE_NOT_SHARED']);
  });
});
