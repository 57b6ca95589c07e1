// Generates a synthetic plumbing repository: Tasks in catalog layout, Pipelines that reference
// them and pass results, PipelineRuns, and Triggers, with realistic cross-references.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function task(i) {
  const name = `task-${i}`;
  return `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/version: "0.1"
  annotations:
    tekton.dev/pipelines.minVersion: "0.50.0"
    tekton.dev/categories: Build Tools
    tekton.dev/tags: build
    tekton.dev/displayName: "Task ${i}"
    tekton.dev/platforms: "linux/amd64"
spec:
  description: Synthetic task number ${i}, building a thing and reporting its digest.
  params:
    - name: revision
      type: string
      description: the revision to build
      default: main
    - name: flags
      type: array
      description: extra flags
      default: ["-v"]
    - name: input
      type: string
      description: a value from the previous task
      default: none
  workspaces:
    - name: source
      description: the checkout
  results:
    - name: digest
      description: the digest of what was built
    - name: files
      type: array
      description: the files built
  stepTemplate:
    env:
      - name: HOME
        value: /tekton/home
  steps:
    - name: prepare
      image: docker.io/library/alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
      workingDir: $(workspaces.source.path)
      env:
        - name: REVISION
          value: $(params.revision)
        - name: INPUT
          value: $(params.input)
      script: |
        #!/bin/sh
        set -eu
        echo "preparing $REVISION from $INPUT"
        ls -la
    - name: build
      image: docker.io/library/golang:1.22@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
      command: ["go"]
      args: ["build", "$(params.flags[*])", "./..."]
      workingDir: $(workspaces.source.path)
    - name: report
      image: docker.io/library/alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d
      script: |
        #!/bin/sh
        printf 'sha256:%s' "$(date +%s)" > "$(results.digest.path)"
        printf '["a","b"]' > "$(results.files.path)"
`;
}

function pipeline(i, nTasks) {
  const n = 5;
  const tasks = [];
  for (let k = 0; k < n; k++) {
    const t = (i * 7 + k * 13) % nTasks;
    const prev = k > 0 ? `t${k - 1}` : undefined;
    tasks.push(`    - name: t${k}
      taskRef:
        name: task-${t}
      params:
        - name: revision
          value: $(params.revision)
${prev ? `        - name: input\n          value: $(tasks.${prev}.results.digest)\n` : ''}      workspaces:
        - name: source
          workspace: shared
${k === n - 1 ? `      when:\n        - input: $(params.mode)\n          operator: in\n          values: ["full"]\n` : ''}`);
  }
  return `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: pipeline-${i}
spec:
  description: Synthetic pipeline ${i}.
  params:
    - name: revision
      type: string
      default: main
    - name: mode
      type: string
      default: full
  workspaces:
    - name: shared
  results:
    - name: digest
      value: $(tasks.t3.results.digest)
  tasks:
${tasks.join('')}  finally:
    - name: report
      taskRef:
        name: task-${i % nTasks}
      params:
        - name: input
          value: $(tasks.status)
      workspaces:
        - name: source
          workspace: shared
`;
}

function pipelineRun(i, nPipelines) {
  return `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  generateName: run-${i}-
spec:
  pipelineRef:
    name: pipeline-${i % nPipelines}
  params:
    - name: revision
      value: v0.${i}.0
  taskRunTemplate:
    serviceAccountName: builder
  workspaces:
    - name: shared
      volumeClaimTemplate:
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
`;
}

function triggers(i, nPipelines) {
  return `apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata:
  name: binding-${i}
spec:
  params:
    - name: revision
      value: $(body.head_commit.id)
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata:
  name: template-${i}
spec:
  params:
    - name: revision
      description: the commit
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: triggered-${i}-
      spec:
        pipelineRef:
          name: pipeline-${i % nPipelines}
        params:
          - name: revision
            value: $(tt.params.revision)
        workspaces:
          - name: shared
            emptyDir: {}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata:
  name: listener-${i}
spec:
  serviceAccountName: builder
  triggers:
    - name: push
      bindings:
        - ref: binding-${i}
      template:
        ref: template-${i}
`;
}

/** Writes the repository; returns the number of files. */
export function generateRepo(dir, scale = 1) {
  const nTasks = 1000 * scale;
  const nPipelines = 200 * scale;
  const nRuns = 200 * scale;
  const nTriggers = 20 * scale;
  let files = 0;
  const write = (rel, text) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files++;
  };
  mkdirSync(join(dir, '.git'), { recursive: true });
  for (let i = 0; i < nTasks; i++) write(`tasks/task-${i}/0.1/task-${i}.yaml`, task(i));
  for (let i = 0; i < nPipelines; i++) write(`pipelines/pipeline-${i}/pipeline-${i}.yaml`, pipeline(i, nTasks));
  for (let i = 0; i < nRuns; i++) write(`runs/run-${i}.yaml`, pipelineRun(i, nPipelines));
  for (let i = 0; i < nTriggers; i++) write(`triggers/trigger-${i}.yaml`, triggers(i, nPipelines));
  write('clusters/sa.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n');
  return files;
}
