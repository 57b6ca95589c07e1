import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';
import { taskYaml } from './task-test-helpers.js';

describe('duplicate-volume and undefined-volume', () => {
  it('reports the second volume of a name', () => {
    const f = checkYaml(taskYaml`
      volumes:
        - name: cache
          emptyDir: {}
        - name: cache
          emptyDir: {}
      steps: [{image: registry.example.com/tool:1.0, volumeMounts: [{name: cache, mountPath: /c}]}]
    `);
    expect(only(f, 'DUPLICATE_VOLUME')).toEqual([{ code: 'DUPLICATE_VOLUME', severity: 'error', line: 9, column: 13 }]);
  });
  it('reports a mount of an undeclared volume in a step, a sidecar and the stepTemplate', () => {
    const f = checkYaml(taskYaml`
      volumes: [{name: cache, emptyDir: {}}]
      stepTemplate:
        volumeMounts: [{name: tmpl, mountPath: /t}]
      steps:
        - image: registry.example.com/tool:1.0
          volumeMounts:
            - name: cahce
              mountPath: /c
      sidecars:
        - image: registry.example.com/tool:1.0
          volumeMounts: [{name: other, mountPath: /o}]
    `);
    expect(only(f, 'UNDEFINED_VOLUME')).toEqual([
      { code: 'UNDEFINED_VOLUME', severity: 'error', line: 8, column: 27 },
      { code: 'UNDEFINED_VOLUME', severity: 'error', line: 12, column: 17 },
      { code: 'UNDEFINED_VOLUME', severity: 'error', line: 16, column: 29 },
    ]);
  });
  it('accepts declared volumes and names built from params', () => {
    const f = checkYaml(taskYaml`
      params: [{name: vol}]
      volumes: [{name: cache, emptyDir: {}}, {name: $(params.vol), emptyDir: {}}]
      steps: [{image: registry.example.com/tool:1.0, volumeMounts: [{name: cache, mountPath: /c}, {name: $(params.vol), mountPath: /v}]}]
    `);
    expect(only(f, 'UNDEFINED_VOLUME')).toEqual([]);
    expect(only(f, 'DUPLICATE_VOLUME')).toEqual([]);
  });
});

describe('duplicate-workspace-declaration', () => {
  it('reports a duplicate name and a clashing mount path', () => {
    const f = checkYaml(taskYaml`
      workspaces:
        - name: src
        - name: src
        - name: out
          mountPath: /workspace/src/
      steps: [{image: registry.example.com/tool:1.0}]
    `);
    expect(only(f, 'DUPLICATE_WORKSPACE_DECLARATION')).toEqual([
      { code: 'DUPLICATE_WORKSPACE_DECLARATION', severity: 'error', line: 8, column: 13 },
      { code: 'DUPLICATE_WORKSPACE_DECLARATION', severity: 'error', line: 10, column: 18 },
    ]);
  });
  it('reports a workspace mounted where a step mounts a volume', () => {
    const f = checkYaml(taskYaml`
      volumes: [{name: v, emptyDir: {}}]
      workspaces:
        - name: data
      steps: [{image: registry.example.com/tool:1.0, volumeMounts: [{name: v, mountPath: /workspace/data}]}]
    `);
    expect(only(f, 'DUPLICATE_WORKSPACE_DECLARATION')).toEqual([{ code: 'DUPLICATE_WORKSPACE_DECLARATION', severity: 'error', line: 8, column: 13 }]);
  });
  it('accepts distinct names and paths', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}, {name: out, mountPath: /out}]
      steps: [{image: registry.example.com/tool:1.0}]
    `);
    expect(only(f, 'DUPLICATE_WORKSPACE_DECLARATION')).toEqual([]);
  });
});

describe('step-undefined-workspace', () => {
  it('reports a step or sidecar workspace the task does not declare', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      steps:
        - image: registry.example.com/tool:1.0
          workspaces:
            - name: source
      sidecars:
        - image: registry.example.com/tool:1.0
          workspaces: [{name: cache}]
    `);
    expect(only(f, 'STEP_UNDEFINED_WORKSPACE')).toEqual([
      { code: 'STEP_UNDEFINED_WORKSPACE', severity: 'error', line: 10, column: 17 },
      { code: 'STEP_UNDEFINED_WORKSPACE', severity: 'error', line: 13, column: 27 },
    ]);
  });
  it('accepts a declared workspace', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      steps: [{image: registry.example.com/tool:1.0, workspaces: [{name: src}]}]
    `);
    expect(only(f, 'STEP_UNDEFINED_WORKSPACE')).toEqual([]);
  });
});

describe('invalid-result', () => {
  it('reports a bad name, a bad type and an object without properties', () => {
    const f = checkYaml(taskYaml`
      results:
        - name: -bad
        - name: list
          type: list
        - name: obj
          type: object
      steps: [{image: registry.example.com/tool:1.0}]
    `);
    expect(only(f, 'INVALID_RESULT')).toEqual([
      { code: 'INVALID_RESULT', severity: 'error', line: 7, column: 13 },
      { code: 'INVALID_RESULT', severity: 'error', line: 9, column: 13 },
      { code: 'INVALID_RESULT', severity: 'error', line: 11, column: 13 },
    ]);
  });
  it('reports a value that is not a step result, or names an unknown step or result', () => {
    const f = checkYaml(taskYaml`
      results:
        - name: a
          value: hello
        - name: b
          value: $(steps.nope.results.x)
        - name: c
          value: $(steps.make.results.y)
      steps:
        - name: make
          image: registry.example.com/tool:1.0
          results: [{name: x}]
    `);
    expect(only(f, 'INVALID_RESULT')).toEqual([
      { code: 'INVALID_RESULT', severity: 'error', line: 8, column: 14 },
      { code: 'INVALID_RESULT', severity: 'error', line: 10, column: 14 },
      { code: 'INVALID_RESULT', severity: 'error', line: 12, column: 14 },
    ]);
  });
  it('reports a bad step result name', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: registry.example.com/tool:1.0
          results:
            - name: "has space"
    `);
    expect(only(f, 'INVALID_RESULT')).toEqual([{ code: 'INVALID_RESULT', severity: 'error', line: 9, column: 17 }]);
  });
  it('accepts valid results, step result values and a StepAction step', () => {
    const f = checkYaml(taskYaml`
      results:
        - name: digest.sha256
        - name: meta
          type: object
          properties: {url: {type: string}}
        - name: x
          value: $(steps.make.results.x)
        - name: y
          value: $(steps.clone.results.commit)
      steps:
        - name: make
          image: registry.example.com/tool:1.0
          results: [{name: x}]
        - name: clone
          ref: {name: git-clone}
    `);
    expect(only(f, 'INVALID_RESULT')).toEqual([]);
  });
});
