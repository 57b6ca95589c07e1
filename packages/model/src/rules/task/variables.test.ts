import { describe, expect, it } from 'vitest';
import { checkYaml, only } from '../../test-helpers.js';
import { taskYaml } from './task-test-helpers.js';

const IMG = 'registry.example.com/tool:1.0';

describe('undefined-param-reference', () => {
  it('reports undeclared params in args as errors; in volumes and env valueFrom (which Tekton does not check) as left-literal warnings', () => {
    const f = checkYaml(taskYaml`
      params: [{name: a}]
      volumes:
        - name: v
          configMap: {name: $(params.cm)}
      steps:
        - image: ${IMG}
          args: ["$(params.a)", "$(params.b)"]
          env:
            - name: X
              valueFrom: {secretKeyRef: {name: $(params.sec), key: k}}
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 12, column: 30 }]);
    expect(only(f, 'UNDEFINED_PARAM_LEFT_LITERAL')).toEqual([
      { code: 'UNDEFINED_PARAM_LEFT_LITERAL', severity: 'warning', line: 9, column: 25 },
      { code: 'UNDEFINED_PARAM_LEFT_LITERAL', severity: 'warning', line: 15, column: 44 },
    ]);
  });
  it('accepts, as Tekton does, an undeclared param in a param default, a sidecar and the stepTemplate (tektoncd/catalog rhacs-image-check, anchore-cli)', () => {
    const f = checkYaml(taskYaml`
      params:
        - {name: image, default: $(params.IMAGE)}
      stepTemplate:
        env: [{name: A, value: $(params.tpl)}]
      sidecars:
        - {name: s, image: $(params.side)}
      steps:
        - image: ${IMG}
          args: ["$(params.image)"]
          env: [{name: B, value: $(params.envv)}]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 15, column: 30 }]);
    expect(only(f, 'UNDEFINED_PARAM_LEFT_LITERAL').map((x) => x.line)).toEqual([7, 9, 11]);
  });
  it('finds references nested in shell substitutions and arithmetic', () => {
    const f = checkYaml(taskYaml`
      params: [{name: file}, {name: n}]
      steps:
        - image: ${IMG}
          script: |
            #!/bin/sh
            echo "$(cat $(params.file))" $(( $(params.n) + 1 )) $(wc -l $(params.nope))
    `);
    expect(only(f, 'UNUSED_PARAM')).toEqual([]);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([{ code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 11, column: 69 }]);
  });
  it('points at each occurrence of the same reference', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: ${IMG}
          args: ["$(params.x) $(params.x)"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 8, column: 15 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 8, column: 27 },
    ]);
  });
  it('reports a reference with too many components and an indexed string param', () => {
    const f = checkYaml(taskYaml`
      params: [{name: s}]
      steps:
        - image: ${IMG}
          args: ["$(params.s.a.b)", "$(params.s[0])"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 9, column: 15 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 9, column: 34 },
    ]);
  });
  it('accepts declared params in every spelling, and dotted names', () => {
    const f = checkYaml(taskYaml`
      params: [{name: a}, {name: b.c}, {name: arr, type: array}]
      steps:
        - image: ${IMG}
          args: ["$(params.a)", "$(params['a'])", "$(params[\"b.c\"])", "$(params.b.c)", "$(params.arr[1])", "$(inputs.params.a)"]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
});

describe('references in other task fields', () => {
  it('checks workspace declarations and v1beta1 resources, and counts them as uses', () => {
    const f = checkYaml(taskYaml`
      params: [{name: dir}, {name: path}]
      workspaces:
        - name: src
          mountPath: /ws/$(params.dir)
      resources:
        inputs: [{name: repo, type: git, targetPath: $(params.path)/$(params.nope)}]
      steps: [{image: ${IMG}}]
    `);
    expect(only(f, 'UNUSED_PARAM')).toEqual([]);
    expect(only(f, 'UNDEFINED_PARAM_LEFT_LITERAL')).toEqual([{ code: 'UNDEFINED_PARAM_LEFT_LITERAL', severity: 'warning', line: 11, column: 65 }]);
  });
  it('does not check descriptions', () => {
    const f = checkYaml(taskYaml`
      description: set $(params.nope) to change it
      params: [{name: a, description: like $(params.other)}]
      steps: [{image: ${IMG}, args: ["$(params.a)"]}]
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
});

describe('array-param-in-string-context', () => {
  it('reports a non-isolated array, a whole object in args, and an array in env', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: arr
          type: array
        - name: obj
          properties: {k: {}}
      steps:
        - image: ${IMG}
          args: ["--x=$(params.arr[*])", "$(params.obj)"]
          env: [{name: A, value: $(params.arr)}]
    `);
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([
      { code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 13, column: 19 },
      { code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 13, column: 39 },
      { code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 14, column: 30 },
    ]);
  });
  it('reports an array in a script and an image', () => {
    const f = checkYaml(taskYaml`
      params: [{name: arr, type: array}]
      steps:
        - image: $(params.arr[*])
          script: |
            #!/bin/sh
            echo $(params.arr)
    `);
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([
      { code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 8, column: 14 },
      { code: 'ARRAY_PARAM_IN_STRING_CONTEXT', severity: 'error', line: 11, column: 14 },
    ]);
  });
  it('accepts isolated arrays in args/command, elements, object keys and whole values for a StepAction', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: arr
          type: array
        - name: obj
          properties: {k: {}}
      steps:
        - image: ${IMG}
          command: ["$(params.arr)"]
          args: ["$(params.arr[*])", "$(params.arr[0])", "$(params.obj.k)"]
        - ref: {name: action}
          params: [{name: o, value: $(params.obj[*])}, {name: a, value: $(params.arr)}]
    `);
    expect(only(f, 'ARRAY_PARAM_IN_STRING_CONTEXT')).toEqual([]);
  });
});

describe('unknown-object-key', () => {
  it('reports an undeclared key', () => {
    const f = checkYaml(taskYaml`
      params:
        - name: git
          properties: {url: {}, rev: {}}
      steps:
        - image: ${IMG}
          args: ["$(params.git.url)", "$(params.git.branch)"]
    `);
    expect(only(f, 'UNKNOWN_OBJECT_KEY')).toEqual([{ code: 'UNKNOWN_OBJECT_KEY', severity: 'error', line: 11, column: 36 }]);
  });
  it('accepts declared keys, in bracket form too', () => {
    const f = checkYaml(taskYaml`
      params: [{name: git, properties: {url: {}, rev: {}}}]
      steps: [{image: ${IMG}, args: ["$(params.git.rev)", "$(params['git'].url)"]}]
    `);
    expect(only(f, 'UNKNOWN_OBJECT_KEY')).toEqual([]);
  });
});

describe('invalid-variable-prefix', () => {
  it('reports a Tekton-looking reference with an unknown prefix, not shell substitutions', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: ${IMG}
          args: ["$(param.x)"]
          script: |
            #!/bin/sh
            echo $(date +%s) $(git rev-parse HEAD) $(hostname) $((1 + 2))
    `);
    expect(only(f, 'INVALID_VARIABLE_PREFIX')).toEqual([{ code: 'INVALID_VARIABLE_PREFIX', severity: 'error', line: 8, column: 15 }]);
  });
  it('accepts the known prefixes', () => {
    const f = checkYaml(taskYaml`
      steps: [{image: ${IMG}, args: ["$(credentials.path)", "$(context.task.name)"]}]
    `);
    expect(only(f, 'INVALID_VARIABLE_PREFIX')).toEqual([]);
  });
});

describe('unknown-context-variable', () => {
  it('reports context.taskRun.id and context.task.id', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: ${IMG}
          args: ["$(context.taskRun.name)", "$(context.taskRun.id)", "$(context.task.retry-count)", "$(context.task.id)"]
    `);
    expect(only(f, 'UNKNOWN_CONTEXT_VARIABLE')).toEqual([
      { code: 'UNKNOWN_CONTEXT_VARIABLE', severity: 'error', line: 8, column: 42 },
      { code: 'UNKNOWN_CONTEXT_VARIABLE', severity: 'error', line: 8, column: 98 },
    ]);
  });
  it('leaves other $(context.X) alone, as Tekton does (it validates only context.taskRun and context.task)', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: ${IMG}
          script: |
            [ "$(context.task2.status)" = Succeeded ] && echo "$(context.tasks.name)"
    `);
    expect(only(f, 'UNKNOWN_CONTEXT_VARIABLE')).toEqual([]);
  });
  it('accepts the task-level context variables', () => {
    const f = checkYaml(taskYaml`
      steps: [{image: ${IMG}, args: ["$(context.taskRun.namespace)", "$(context.taskRun.uid)", "$(context.task.name)"]}]
    `);
    expect(only(f, 'UNKNOWN_CONTEXT_VARIABLE')).toEqual([]);
  });
});

describe('undefined-result-path', () => {
  it('reports undeclared task and step results', () => {
    const f = checkYaml(taskYaml`
      results: [{name: out}]
      steps:
        - image: ${IMG}
          results: [{name: sr}]
          script: |
            #!/bin/sh
            echo a > $(results.out.path)
            echo b > $(results.missing.path)
            echo c > $(step.results.sr.path)
            echo d > $(step.results.nope.path)
    `);
    expect(only(f, 'UNDEFINED_RESULT_PATH')).toEqual([
      { code: 'UNDEFINED_RESULT_PATH', severity: 'error', line: 13, column: 18 },
      { code: 'UNDEFINED_RESULT_PATH', severity: 'error', line: 15, column: 18 },
    ]);
  });
  it('accepts declared results, in args too', () => {
    const f = checkYaml(taskYaml`
      results: [{name: out}]
      steps: [{image: ${IMG}, args: ["$(results.out.path)"]}]
    `);
    expect(only(f, 'UNDEFINED_RESULT_PATH')).toEqual([]);
  });
});

describe('step-result-ref-misplaced', () => {
  it('reports step result references in workingDir and script', () => {
    const f = checkYaml(taskYaml`
      steps:
        - name: a
          image: ${IMG}
          results: [{name: r}]
        - name: b
          image: ${IMG}
          env: [{name: R, value: $(steps.a.results.r)}]
          args: ["$(steps.a.results.r)"]
          workingDir: /w/$(steps.a.results.r)
          script: |
            #!/bin/sh
            echo $(steps.a.results.r)
    `);
    expect(only(f, 'STEP_RESULT_REF_MISPLACED')).toEqual([
      { code: 'STEP_RESULT_REF_MISPLACED', severity: 'error', line: 14, column: 22 },
      { code: 'STEP_RESULT_REF_MISPLACED', severity: 'error', line: 17, column: 14 },
    ]);
  });
  it('accepts env, command, args and task result values', () => {
    const f = checkYaml(taskYaml`
      results: [{name: r, value: $(steps.a.results.r)}]
      steps:
        - {name: a, image: ${IMG}, results: [{name: r}]}
        - {name: b, image: ${IMG}, command: ["$(steps.a.results.r)"], env: [{name: R, value: $(steps.a.results.r)}]}
    `);
    expect(only(f, 'STEP_RESULT_REF_MISPLACED')).toEqual([]);
  });
});

describe('undefined-workspace-reference', () => {
  it('reports a reference to an undeclared workspace', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      steps:
        - image: ${IMG}
          workingDir: $(workspaces.src.path)
          args: ["$(workspaces.source.path)", "$(workspaces.src.bound)"]
    `);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([{ code: 'UNDEFINED_WORKSPACE_REFERENCE', severity: 'error', line: 10, column: 15 }]);
  });
  it('accepts every attribute of a declared workspace', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: src}]
      steps: [{image: ${IMG}, args: ["$(workspaces.src.path)", "$(workspaces.src.bound)", "$(workspaces.src.claim)", "$(workspaces.src.volume)"]}]
    `);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([]);
  });
});

describe('feature-flag-required (artifacts)', () => {
  it('flags the first artifacts reference', () => {
    const f = checkYaml(taskYaml`
      steps:
        - image: ${IMG}
          args: ["$(step.artifacts.path)", "$(artifacts.path)"]
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([{ code: 'FEATURE_FLAG_REQUIRED', severity: 'warning', line: 8, column: 15 }]);
  });
  it('does not flag result paths', () => {
    const f = checkYaml(taskYaml`
      results: [{name: r}]
      steps: [{image: ${IMG}, args: ["$(results.r.path)"]}]
    `);
    expect(only(f, 'FEATURE_FLAG_REQUIRED')).toEqual([]);
  });
});

describe('workspace references in a step when', () => {
  it('are not checked against declarations (Tekton evaluates an undeclared one as unbound)', () => {
    const f = checkYaml(taskYaml`
      workspaces: [{name: custom}]
      steps:
        - image: ${IMG}
          when: [{input: "$(workspaces.custom2.bound)", operator: in, values: ["true"]}]
          script: "ls $(workspaces.other.path)"
    `);
    expect(only(f, 'UNDEFINED_WORKSPACE_REFERENCE')).toEqual([{ code: 'UNDEFINED_WORKSPACE_REFERENCE', severity: 'error', line: 10, column: 19 }]);
  });
});
