import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

const at = (code: string, severity: string, line: number, column: number) => [{ code, severity, line, column }];

const binding = yaml`
  apiVersion: triggers.tekton.dev/v1beta1
  kind: TriggerBinding
  metadata:
    name: push
  spec:
    params:
      - {name: revision, value: $(body.after)}
      - {name: url, value: $(body.repository.clone_url)}
`;
const template = (params: string) => yaml`
  apiVersion: triggers.tekton.dev/v1beta1
  kind: TriggerTemplate
  metadata:
    name: ci
  spec:
    params: [${params}]
    resourcetemplates:
      - apiVersion: v1
        kind: ConfigMap
        metadata: {generateName: x-}
`;
const listener = (trigger: string) =>
  yaml`
  apiVersion: triggers.tekton.dev/v1beta1
  kind: EventListener
  metadata:
    name: el
  spec:
    triggers:
` + trigger;

describe('unresolved-trigger-ref', () => {
  const trig = '  - name: push\n    bindings: [{ref: push}]\n    template: {ref: ci}\n';
  it('reports a binding and a template that are not in the repository', () => {
    const f = checkFiles({ 'el.yaml': listener(trig) });
    expect(only(f, 'UNRESOLVED_TRIGGER_REF')).toEqual([
      { code: 'UNRESOLVED_TRIGGER_REF', severity: 'error', line: 8, column: 22 },
      { code: 'UNRESOLVED_TRIGGER_REF', severity: 'error', line: 9, column: 21 },
    ]);
  });
  it('resolves a binding and a template in other files', () => {
    const f = checkFiles({ 'el.yaml': listener(trig), 'b.yaml': binding, 't.yaml': template('{name: revision}, {name: url}') });
    expect(only(f, 'UNRESOLVED_TRIGGER_REF')).toEqual([]);
  });
  it('reports a triggerRef to a missing Trigger, and resolves an existing one', () => {
    const el = listener('  - triggerRef: on-push\n');
    expect(only(checkFiles({ 'el.yaml': el }), 'UNRESOLVED_TRIGGER_REF')).toEqual(at('UNRESOLVED_TRIGGER_REF', 'error', 7, 17));
    const t = 'apiVersion: triggers.tekton.dev/v1beta1\nkind: Trigger\nmetadata:\n  name: on-push\nspec:\n  template: {ref: ci}\n';
    expect(only(checkFiles({ 'el.yaml': el, 't.yaml': t, 'tt.yaml': template('') }), 'UNRESOLVED_TRIGGER_REF')).toEqual([]);
  });
  it('looks a ClusterTriggerBinding up by its kind', () => {
    const el = listener('  - bindings: [{ref: push, kind: ClusterTriggerBinding}]\n    template: {ref: ci}\n');
    const files = { 'el.yaml': el, 'b.yaml': binding, 't.yaml': template('{name: revision}, {name: url}') };
    expect(only(checkFiles(files), 'UNRESOLVED_TRIGGER_REF')).toEqual(at('UNRESOLVED_TRIGGER_REF', 'error', 7, 22));
    const cluster = { ...files, 'b.yaml': binding.replace('kind: TriggerBinding', 'kind: ClusterTriggerBinding') };
    expect(only(checkFiles(cluster), 'UNRESOLVED_TRIGGER_REF')).toEqual([]);
  });
  it("reports a TriggerTemplate's PipelineRun of a missing Pipeline, not a resolver ref", () => {
    const tt = (ref: string) => yaml`
      apiVersion: triggers.tekton.dev/v1beta1
      kind: TriggerTemplate
      metadata:
        name: ci
      spec:
        resourcetemplates:
          - apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata: {generateName: ci-}
            spec:
              pipelineRef: ${ref}
    `;
    expect(only(checkFiles({ 'tt.yaml': tt('{name: ci}') }), 'UNRESOLVED_TRIGGER_REF')).toEqual(at('UNRESOLVED_TRIGGER_REF', 'error', 11, 29));
    expect(only(checkFiles({ 'tt.yaml': tt('{resolver: git, params: [{name: url, value: x}]}') }), 'UNRESOLVED_TRIGGER_REF')).toEqual([]);
  });
});

describe('trigger-binding-param-not-in-template', () => {
  const trig = '  - bindings:\n      - ref: push\n      - {name: extra, value: "1"}\n    template: {ref: ci}\n';
  it('reports a referenced binding and an inline param the template does not declare', () => {
    const f = checkFiles({ 'el.yaml': listener(trig), 'b.yaml': binding, 't.yaml': template('{name: revision}') });
    expect(only(f, 'TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE')).toEqual([
      { code: 'TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE', severity: 'warning', line: 8, column: 14 },
      { code: 'TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE', severity: 'warning', line: 9, column: 16 },
    ]);
  });
  it('accepts bindings whose params the template declares', () => {
    const f = checkFiles({ 'el.yaml': listener(trig), 'b.yaml': binding, 't.yaml': template('{name: revision}, {name: url}, {name: extra}') });
    expect(only(f, 'TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE')).toEqual([]);
  });
  it('checks a Trigger against its inline template spec', () => {
    const t = yaml`
      apiVersion: triggers.tekton.dev/v1beta1
      kind: Trigger
      metadata:
        name: on-push
      spec:
        bindings: [{ref: push}]
        template:
          spec:
            params: [{name: url}]
            resourcetemplates: [{apiVersion: v1, kind: ConfigMap}]
    `;
    const f = checkFiles({ 't.yaml': t, 'b.yaml': binding });
    expect(only(f, 'TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE')).toEqual(at('TRIGGER_BINDING_PARAM_NOT_IN_TEMPLATE', 'warning', 6, 20));
  });
});

describe('missing-required-param and missing-required-workspace (TriggerTemplate → Pipeline)', () => {
  const pipeline = yaml`
    apiVersion: tekton.dev/v1
    kind: Pipeline
    metadata:
      name: ci
    spec:
      params:
        - name: url
        - name: revision
          default: main
      workspaces:
        - name: source
        - name: cache
          optional: true
      tasks:
        - name: t
          taskSpec: {steps: [{name: s, image: alpine:3.20}]}
  `;
  const tt = (run: string) =>
    yaml`
    apiVersion: triggers.tekton.dev/v1beta1
    kind: TriggerTemplate
    metadata:
      name: ci
    spec:
      params: [{name: url}]
      resourcetemplates:
        - apiVersion: tekton.dev/v1
          kind: PipelineRun
          metadata: {generateName: ci-}
          spec:
            pipelineRef: {name: ci}
` + run;
  it('reports a param without default and a required workspace the run does not supply', () => {
    const f = checkFiles({ 'p.yaml': pipeline, 'tt.yaml': tt('        params: [{name: revision, value: dev}]\n') });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual(at('MISSING_REQUIRED_PARAM', 'error', 13, 9));
    expect(only(f, 'MISSING_REQUIRED_WORKSPACE')).toEqual(at('MISSING_REQUIRED_WORKSPACE', 'error', 12, 9));
  });
  it('accepts a run that supplies them (an optional workspace may stay unbound)', () => {
    const run = '        params: [{name: url, value: $(tt.params.url)}]\n        workspaces: [{name: source, emptyDir: {}}]\n';
    const f = checkFiles({ 'p.yaml': pipeline, 'tt.yaml': tt(run) });
    expect(only(f, 'MISSING_REQUIRED_PARAM')).toEqual([]);
    expect(only(f, 'MISSING_REQUIRED_WORKSPACE')).toEqual([]);
  });
});
