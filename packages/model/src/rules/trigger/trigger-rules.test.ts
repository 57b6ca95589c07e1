import { describe, expect, it } from 'vitest';
import { checkYaml, only, yaml } from '../../test-helpers.js';
import { canonicalHeaderKey, unbalancedExpression } from './trigger-rules.js';

const EL = 'apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata:\n  name: el\n';
const TRIGGER = 'apiVersion: triggers.tekton.dev/v1beta1\nkind: Trigger\nmetadata:\n  name: t\n';
const TB = 'apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerBinding\nmetadata:\n  name: tb\n';
const TT = 'apiVersion: triggers.tekton.dev/v1beta1\nkind: TriggerTemplate\nmetadata:\n  name: tt\n';

const at = (code: string, severity: string, line: number, column: number) => [{ code, severity, line, column }];

describe('eventlistener-invalid', () => {
  const E = (line: number, column: number) => at('EVENTLISTENER_INVALID', 'error', line, column);
  it('reports an EventListener with no triggers, groups or selectors at spec', () => {
    const f = checkYaml(EL + 'spec:\n  serviceAccountName: sa\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(5, 1));
  });
  it('accepts an EventListener with a labelSelector only', () => {
    const f = checkYaml(EL + 'spec:\n  labelSelector:\n    matchLabels: {team: ci}\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual([]);
  });
  it('reports a trigger with triggerRef and a template', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - triggerRef: t
            template:
              ref: tt
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(8, 7));
  });
  it('reports a trigger with neither template nor triggerRef', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - name: push
            bindings: [{ref: b}]
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(7, 7));
  });
  it('accepts a trigger with bindings and a template ref', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - name: push_1.x
            bindings: [{ref: b}, {name: extra, value: "1"}]
            template: {ref: tt}
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual([]);
  });
  it('reports a trigger name that is not a label value', () => {
    const f = checkYaml(EL + 'spec:\n  triggers:\n    - name: on push\n      template: {ref: tt}\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(7, 13));
  });
  it('reports a template with both ref and spec', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - template:
              ref: tt
              spec: {resourcetemplates: [{apiVersion: v1, kind: ConfigMap}]}
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(9, 9));
  });
  it('reports an inline binding without value', () => {
    const f = checkYaml(EL + 'spec:\n  triggers:\n    - template: {ref: tt}\n      bindings:\n        - name: rev\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(9, 11));
  });
  it('reports a webhook interceptor whose objectRef is not a v1 Service', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - template: {ref: tt}
            interceptors:
              - webhook:
                  objectRef: {kind: Deployment, apiVersion: v1, name: hook}
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(10, 31));
  });
  it('reports a non-canonical webhook header name and accepts a canonical one', () => {
    const doc = (name: string) =>
      EL + yaml`
      spec:
        triggers:
          - template: {ref: tt}
            interceptors:
              - webhook:
                  objectRef: {kind: Service, apiVersion: v1, name: hook}
                  header:
                    - name: ${name}
                      value: "1"
    `;
    expect(only(checkYaml(doc('x-token')), 'EVENTLISTENER_INVALID')).toEqual(E(12, 23));
    expect(only(checkYaml(doc('X-Token')), 'EVENTLISTENER_INVALID')).toEqual([]);
  });
  it('reports v1alpha1 interceptor syntax in a v1beta1 EventListener, at the legacy key', () => {
    const f = checkYaml(EL + yaml`
      spec:
        triggers:
          - template: {ref: tt}
            interceptors:
              - cel:
                  filter: "true"
    `);
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(9, 11));
  });
  it('accepts a ref interceptor, and the legacy syntax in v1alpha1', () => {
    const ok = checkYaml(EL + 'spec:\n  triggers:\n    - template: {ref: tt}\n      interceptors:\n        - ref: {name: cel}\n');
    expect(only(ok, 'EVENTLISTENER_INVALID')).toEqual([]);
    const alpha = EL.replace('v1beta1', 'v1alpha1') + 'spec:\n  triggers:\n    - template: {ref: tt}\n      interceptors:\n        - cel: {filter: "true"}\n';
    expect(only(checkYaml(alpha), 'EVENTLISTENER_INVALID')).toEqual([]);
  });
  it('reports both kubernetesResource and customResource', () => {
    const f = checkYaml(EL + 'spec:\n  triggers: [{triggerRef: t}]\n  resources:\n    kubernetesResource: {}\n    customResource: {}\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(9, 5));
  });
  it('reports a trigger group without interceptors', () => {
    const f = checkYaml(EL + 'spec:\n  triggerGroups:\n    - name: g\n      triggerSelector:\n        labelSelector: {matchLabels: {a: b}}\n');
    expect(only(f, 'EVENTLISTENER_INVALID')).toEqual(E(7, 7));
  });
});

describe('trigger-invalid', () => {
  const E = (line: number, column: number) => at('TRIGGER_INVALID', 'error', line, column);
  it('reports a Trigger without template', () => {
    const f = checkYaml(TRIGGER + 'spec:\n  bindings: [{ref: b}]\n');
    expect(only(f, 'TRIGGER_INVALID')).toEqual(E(5, 1));
  });
  it('reports a binding with both ref and name', () => {
    const f = checkYaml(TRIGGER + 'spec:\n  template: {ref: tt}\n  bindings:\n    - ref: b\n      name: x\n');
    expect(only(f, 'TRIGGER_INVALID')).toEqual(E(9, 7));
  });
  it('reports a binding with an invalid kind', () => {
    const f = checkYaml(TRIGGER + 'spec:\n  template: {ref: tt}\n  bindings:\n    - ref: b\n      kind: Binding\n');
    expect(only(f, 'TRIGGER_INVALID')).toEqual(E(9, 13));
  });
  it('reports an empty template ref', () => {
    const f = checkYaml(TRIGGER + 'spec:\n  template:\n    ref: ""\n');
    expect(only(f, 'TRIGGER_INVALID')).toEqual(E(7, 10));
  });
  it('accepts a Trigger with a ClusterTriggerBinding and an inline template', () => {
    const f = checkYaml(TRIGGER + yaml`
      spec:
        bindings: [{ref: github-push, kind: ClusterTriggerBinding}]
        template:
          spec:
            params: [{name: rev}]
            resourcetemplates:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {generateName: x-}
                data: {rev: $(tt.params.rev)}
    `);
    expect(only(f, 'TRIGGER_INVALID')).toEqual([]);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
  it('reports an empty webhook header value', () => {
    const f = checkYaml(TRIGGER + yaml`
      spec:
        template: {ref: tt}
        interceptors:
          - webhook:
              objectRef: {kind: Service, apiVersion: v1, name: hook}
              header: [{name: X-A, value: ""}]
    `);
    expect(only(f, 'TRIGGER_INVALID')).toEqual(E(10, 37));
  });
});

describe('trigger-binding-invalid, duplicate-param, param-missing-value', () => {
  it('reports an unclosed $( in a value, at the $(', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - name: a\n      value: x-$(body.a $(body.b)\n');
    expect(only(f, 'TRIGGER_BINDING_INVALID')).toEqual(at('TRIGGER_BINDING_INVALID', 'error', 8, 16));
  });
  it('accepts nested parentheses in an expression', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - name: a\n      value: $(body.a) and $(extensions.f(x))\n');
    expect(only(f, 'TRIGGER_BINDING_INVALID')).toEqual([]);
  });
  it('reports a binding without params', () => {
    const f = checkYaml(TB + 'spec: {}\n');
    expect(only(f, 'TRIGGER_BINDING_INVALID')).toEqual(at('TRIGGER_BINDING_INVALID', 'error', 5, 1));
  });
  it('reports a non-string value', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - name: n\n      value: 3\n');
    expect(only(f, 'TRIGGER_BINDING_INVALID')).toEqual(at('TRIGGER_BINDING_INVALID', 'error', 8, 14));
  });
  it('reports the second of two params with one name', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - {name: a, value: x}\n    - {name: a, value: y}\n');
    expect(only(f, 'DUPLICATE_PARAM')).toEqual(at('DUPLICATE_PARAM', 'error', 8, 14));
  });
  it('accepts two params with different names', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - {name: a, value: x}\n    - {name: b, value: y}\n');
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([]);
    expect(f).toEqual([]);
  });
  it('reports a param without value in a ClusterTriggerBinding', () => {
    const f = checkYaml(TB.replace('TriggerBinding', 'ClusterTriggerBinding') + 'spec:\n  params:\n    - name: a\n');
    expect(only(f, 'PARAM_MISSING_VALUE')).toEqual(at('PARAM_MISSING_VALUE', 'error', 7, 7));
  });
  it('accepts an empty-string value', () => {
    const f = checkYaml(TB + 'spec:\n  params:\n    - name: a\n      value: ""\n');
    expect(only(f, 'PARAM_MISSING_VALUE')).toEqual([]);
  });
});

describe('trigger-template-invalid and undeclared tt.params', () => {
  it('reports resourceTemplates spelt in camel case, at that key', () => {
    const f = checkYaml(TT + 'spec:\n  resourceTemplates:\n    - {apiVersion: v1, kind: ConfigMap}\n');
    expect(only(f, 'TRIGGER_TEMPLATE_INVALID')).toEqual(at('TRIGGER_TEMPLATE_INVALID', 'error', 6, 3));
  });
  it('reports a resource template without kind', () => {
    const f = checkYaml(TT + 'spec:\n  resourcetemplates:\n    - apiVersion: v1\n      metadata: {name: x}\n');
    expect(only(f, 'TRIGGER_TEMPLATE_INVALID')).toEqual(at('TRIGGER_TEMPLATE_INVALID', 'error', 7, 7));
  });
  it('accepts a complete template', () => {
    const f = checkYaml(TT + 'spec:\n  resourcetemplates:\n    - {apiVersion: v1, kind: ConfigMap, metadata: {generateName: x-}}\n');
    expect(only(f, 'TRIGGER_TEMPLATE_INVALID')).toEqual([]);
  });
  it('reports an undeclared $(tt.params.x) at the reference, every occurrence', () => {
    const f = checkYaml(TT + yaml`
      spec:
        params:
          - name: url
        resourcetemplates:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {generateName: x-}
            data:
              a: $(tt.params.url)@$(tt.params.rev)
              b: $(tt.params.rev)-$(tt.params.rev)
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 13, column: 29 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 14, column: 12 },
      { code: 'UNDEFINED_PARAM_REFERENCE', severity: 'error', line: 14, column: 29 },
    ]);
  });
  it('accepts declared params and non-tt references', () => {
    const f = checkYaml(TT + yaml`
      spec:
        params: [{name: rev}]
        resourcetemplates:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {generateName: x-}
            data: {a: "$(tt.params.rev) $(uid) $(body.x)"}
    `);
    expect(only(f, 'UNDEFINED_PARAM_REFERENCE')).toEqual([]);
  });
});

describe('helpers', () => {
  it('canonicalises header names like Go', () => {
    expect(canonicalHeaderKey('x-gitHub-event')).toBe('X-Github-Event');
    expect(canonicalHeaderKey('bad header')).toBe('bad header');
  });
  it('finds the first unclosed expression', () => {
    expect(unbalancedExpression('$(a) $(b')).toBe(5);
    expect(unbalancedExpression('$(a (b)) $(c)')).toBe(-1);
    expect(unbalancedExpression('plain')).toBe(-1);
  });
});

describe('TriggerTemplate param declarations (shared checkParamSpecs)', () => {
  it('reports a duplicate declaration and a non-string default', () => {
    const f = checkYaml(TT + 'spec:\n  params:\n    - name: a\n    - name: a\n      default: [x]\n  resourcetemplates: [{apiVersion: v1, kind: ConfigMap}]\n');
    expect(only(f, 'DUPLICATE_PARAM')).toEqual(at('DUPLICATE_PARAM', 'error', 8, 13));
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual(at('INVALID_PARAM_TYPE', 'error', 9, 16));
  });
  it('accepts distinct string params', () => {
    const f = checkYaml(TT + 'spec:\n  params:\n    - name: a\n    - {name: b, default: x}\n  resourcetemplates: [{apiVersion: v1, kind: ConfigMap}]\n');
    expect(only(f, 'DUPLICATE_PARAM')).toEqual([]);
    expect(only(f, 'INVALID_PARAM_TYPE')).toEqual([]);
  });
});
