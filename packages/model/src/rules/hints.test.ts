import { describe, expect, it } from 'vitest';
import { checkFiles, yaml } from '../test-helpers.js';

const task = yaml`
  apiVersion: tekton.dev/v1
  kind: Task
  metadata:
    name: build
  spec:
    params:
      - name: revision
    results:
      - name: digest
    steps:
      - name: build
        image: docker.io/library/alpine:3.20
        env:
          - name: REV
            value: $(params.revison)
        script: |
          #!/bin/sh
          echo x > $(results.digst.path)
`;
const pipeline = yaml`
  apiVersion: tekton.dev/v1
  kind: Pipeline
  metadata:
    name: ci
  spec:
    tasks:
      - name: build
        taskRef:
          name: bulid
`;

describe('typo hints', () => {
  it('suggests the declared name closest to a misspelt param, result or task', () => {
    const f = checkFiles({ 'task.yaml': task, 'pipeline.yaml': pipeline });
    const hints = f.filter((x) => ['UNDEFINED_PARAM_REFERENCE', 'UNDEFINED_RESULT_PATH', 'UNRESOLVED_TASK_REF'].includes(x.code)).map((x) => [x.code, x.hint]);
    expect(hints).toEqual([
      ['UNRESOLVED_TASK_REF', 'did you mean "build"?'],
      ['UNDEFINED_PARAM_REFERENCE', 'did you mean "revision"?'],
      ['UNDEFINED_RESULT_PATH', 'did you mean "digest"?'],
    ]);
  });
});
