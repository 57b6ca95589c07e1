import { describe, expect, it, vi } from 'vitest';
import { checkFiles, checkYaml, only, yaml } from '../../test-helpers.js';

describe('unknown-kind-version', () => {
  it('reports a missing kind at the apiVersion line', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([{ code: 'UNKNOWN_KIND_VERSION', severity: 'error', line: 1, column: 1 }]);
  });
  it('reports an unknown kind at the kind value', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v1
      kind: Tsak
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([{ code: 'UNKNOWN_KIND_VERSION', severity: 'error', line: 2, column: 7 }]);
  });
  it('reports a kind without apiVersion when the document has metadata', () => {
    const f = checkYaml(yaml`
      kind: Task
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([{ code: 'UNKNOWN_KIND_VERSION', severity: 'error', line: 1, column: 1 }]);
  });
  it('does not treat documents without apiVersion and kind as objects (Artifact Hub, tool configs, CI workflows)', () => {
    const files = {
      'artifacthub-repo.yml': 'repositoryID: 1234\nowners:\n  - name: x\n    email: x@example.com\n',
      '.github/workflows/ci.yaml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
      'codecov.yml': 'coverage:\n  status:\n    project: off\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: hello\nversion: 0.1.0\n',
    };
    expect(checkFiles(files)).toEqual([]);
  });
  it('knows core kinds beyond the workloads (StorageClass, PersistentVolume, webhooks, PriorityClass, CSIDriver)', () => {
    const kinds = [
      ['storage.k8s.io/v1', 'StorageClass'], ['v1', 'PersistentVolume'], ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'], ['scheduling.k8s.io/v1', 'PriorityClass'], ['storage.k8s.io/v1', 'CSIDriver'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'], ['v1', 'Endpoints'],
    ];
    const text = kinds.map(([v, k]) => `apiVersion: ${v}\nkind: ${k}\nmetadata:\n  name: x\n`).join('---\n');
    expect(checkYaml(text).filter((x) => x.code === 'UNKNOWN_KIND_VERSION' || x.code === 'UNKNOWN_CUSTOM_RESOURCE')).toEqual([]);
  });
  it('says info, never error, for a custom resource without a schema (Pipelines-as-Code, Istio)', () => {
    const f = checkYaml(yaml`
      apiVersion: pipelinesascode.tekton.dev/v1alpha1
      kind: Repository
      metadata:
        name: x
      ---
      apiVersion: networking.istio.io/v1alpha3
      kind: VirtualService
      metadata:
        name: y
    `);
    expect(f.filter((x) => x.severity === 'error')).toEqual([]);
    expect(only(f, 'UNKNOWN_CUSTOM_RESOURCE')).toEqual([
      { code: 'UNKNOWN_CUSTOM_RESOURCE', severity: 'info', line: 2, column: 7 },
      { code: 'UNKNOWN_CUSTOM_RESOURCE', severity: 'info', line: 7, column: 7 },
    ]);
  });
  it('keeps removed API versions an error, at apiVersion', () => {
    const f = checkYaml(yaml`
      apiVersion: rbac.authorization.k8s.io/v1beta1
      kind: ClusterRoleBinding
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([{ code: 'UNKNOWN_KIND_VERSION', severity: 'error', line: 1, column: 13 }]);
  });
  it('reports a kind in a version that does not serve it at apiVersion', () => {
    const f = checkYaml(yaml`
      apiVersion: tekton.dev/v2
      kind: Task
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([{ code: 'UNKNOWN_KIND_VERSION', severity: 'error', line: 1, column: 13 }]);
  });
  it('accepts a known kind', () => {
    const f = checkYaml(yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: x
    `);
    expect(only(f, 'UNKNOWN_KIND_VERSION')).toEqual([]);
  });
});

describe('yaml-syntax', () => {
  it('reports unparsable YAML with its position', () => {
    const f = checkYaml('apiVersion: v1\nkind: [ConfigMap\n');
    expect(f.filter((x) => x.code === 'YAML_SYNTAX').length).toBeGreaterThan(0);
    expect(f[0]!.line).toBeGreaterThanOrEqual(2);
  });
  it('reports a binary file', () => {
    expect(only(checkYaml('a\u0000b'), 'YAML_SYNTAX')).toEqual([{ code: 'YAML_SYNTAX', severity: 'error', line: 1, column: 1 }]);
  });
  it('does not treat a list document (a JSON patch, a fixture) as an object', () => {
    expect(checkYaml('- op: add\n  path: /spec/x\n  value: 1\n')).toEqual([]);
  });
  it('accepts an empty file', () => {
    expect(checkYaml('')).toEqual([]);
  });
});

describe('invalid-resource-name', () => {
  it('reports an upper-case name', () => {
    const f = checkYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n');
    expect(only(f, 'INVALID_RESOURCE_NAME')).toEqual([{ code: 'INVALID_RESOURCE_NAME', severity: 'error', line: 4, column: 9 }]);
  });
  it('reports an EventListener name over 60 characters', () => {
    const f = checkYaml(`apiVersion: triggers.tekton.dev/v1beta1\nkind: EventListener\nmetadata:\n  name: ${'a'.repeat(61)}\nspec:\n  triggers: []\n`);
    expect(only(f, 'INVALID_RESOURCE_NAME')).toEqual([{ code: 'INVALID_RESOURCE_NAME', severity: 'error', line: 4, column: 9 }]);
  });
  it('accepts generateName', () => {
    const f = checkYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: run-\n');
    expect(only(f, 'INVALID_RESOURCE_NAME')).toEqual([]);
  });
  it('reports a generateName that is no name prefix, as the API server does (Pipelines-as-Code testdata "pull_request-test1")', () => {
    const f = checkYaml('apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  generateName: pull_request-test1\nspec:\n  pipelineRef: {name: p}\n');
    expect(only(f, 'INVALID_RESOURCE_NAME')).toEqual([{ code: 'INVALID_RESOURCE_NAME', severity: 'error', line: 4, column: 17 }]);
  });
});

describe('duplicate-resource', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n';
  const dups = (f: ReturnType<typeof checkFiles>) => f.filter((x) => x.code === 'DUPLICATE_RESOURCE').map((x) => [x.file, x.line, x.column]);
  it('reports the second definition in one file', () => {
    expect(dups(checkFiles({ 'a.yaml': `${cm}---\n${cm}` }))).toEqual([['a.yaml', 9, 9]]);
  });
  it('does not report two files that nobody applies together (samples/ and tests/, two examples)', () => {
    const f = checkFiles({ 'a.yaml': cm, 'b.yaml': cm, 'task/t/0.1/samples/run.yaml': cm, 'task/t/0.1/tests/run.yaml': cm });
    expect(dups(f)).toEqual([]);
  });
  it('does not report two catalog versions of one task', () => {
    const f = checkFiles({ 'tasks/t/0.1/t.yaml': cm, 'tasks/t/0.2/t.yaml': cm });
    expect(only(f, 'DUPLICATE_RESOURCE')).toEqual([]);
  });
  it('reports two resources of one kustomization, through a base, with its namespace', () => {
    const f = checkFiles({
      'deploy/kustomization.yaml': 'resources:\n  - base\n  - extra.yaml\nnamespace: prod\n',
      'deploy/base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
      'deploy/base/cm.yaml': cm,
      'deploy/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n  namespace: other\n',
    });
    expect(dups(f)).toEqual([['deploy/extra.yaml', 4, 9]]);
  });
  it('keeps two kustomizations apart, and a namespace set by one of them', () => {
    const f = checkFiles({
      'a/kustomization.yaml': 'namespace: a\nresources: [cm.yaml]\n',
      'a/cm.yaml': cm,
      'b/kustomization.yaml': 'namePrefix: b-\nresources: [cm.yaml, ../a/cm.yaml]\n',
      'b/cm.yaml': cm,
    });
    expect(dups(f)).toEqual([['b/cm.yaml', 4, 9]]);
  });
  it('reports two files of one Cluster source', () => {
    const cluster = 'apiVersion: plumbing.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: c\nspec:\n  context: c\n  sources:\n    - path: clusters/c/manifests\n';
    const f = checkFiles({ 'clusters/c/cluster.yaml': cluster, 'clusters/c/manifests/a.yaml': cm, 'clusters/c/manifests/b.yaml': cm });
    expect(dups(f)).toEqual([['clusters/c/manifests/b.yaml', 4, 9]]);
  });
});

describe('kustomize inputs', () => {
  const files = (extra: string) => ({
    'k/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [d.yaml]\npatches:\n  - path: p.yaml\npatchesStrategicMerge: [q.yaml]\n${extra}`,
    'k/d.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: "nginx:1.27"}]\n',
    'k/p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n',
    'k/q.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
  });
  it('does not check a kustomization or its patches as objects: what it renders is checked', () => {
    expect(checkFiles(files(''))).toEqual([]);
  });
  it('says why a kustomization is not rendered, and gives one info per patch file it does not check', () => {
    const f = checkFiles(files('replacements: []\n'));
    expect(f.map((x) => [x.code, x.severity, x.file, x.line])).toEqual([
      ['KUSTOMIZE_NOT_RENDERED', 'info', 'k/kustomization.yaml', 7],
      ['KUSTOMIZE_PATCH_NOT_CHECKED', 'info', 'k/p.yaml', 1],
      ['KUSTOMIZE_PATCH_NOT_CHECKED', 'info', 'k/q.yaml', 1],
    ]);
  });
});

describe('committed-resource-version', () => {
  it('reports resourceVersion', () => {
    const f = checkYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  resourceVersion: "12"\n');
    expect(only(f, 'COMMITTED_RESOURCE_VERSION')).toEqual([{ code: 'COMMITTED_RESOURCE_VERSION', severity: 'warning', line: 5, column: 3 }]);
  });
  it('accepts clean metadata', () => {
    expect(only(checkYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'), 'COMMITTED_RESOURCE_VERSION')).toEqual([]);
  });
});

describe('deprecated-resource and deprecated-api', () => {
  it('reports the deprecated label and a v1beta1 Task', () => {
    const f = checkYaml('apiVersion: tekton.dev/v1beta1\nkind: Task\nmetadata:\n  name: a\n  labels:\n    tekton.dev/deprecated: "true"\nspec:\n  steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]\n');
    expect(only(f, 'DEPRECATED_RESOURCE')).toEqual([{ code: 'DEPRECATED_RESOURCE', severity: 'warning', line: 6, column: 5 }]);
    expect(only(f, 'DEPRECATED_API')).toEqual([{ code: 'DEPRECATED_API', severity: 'warning', line: 1, column: 13 }]);
  });
  it('accepts a v1 Task', () => {
    const f = checkYaml('apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: a\nspec:\n  steps: [{name: s, image: alpine:3.20, script: "#!/bin/sh\\ntrue"}]\n');
    expect(only(f, 'DEPRECATED_API')).toEqual([]);
  });
});

describe('generator templates', () => {
  it('gives a Helm template one info at its first placeholder, not errors on every field', () => {
    const f = checkFiles({
      'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.labels }}\n  labels: {{ .Values.labels }}\n{{- end }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
    });
    expect(f.map((x) => [x.code, x.severity, x.line])).toEqual([['GENERATOR_TEMPLATE', 'info', 4]]);
  });
  it('checks files whose placeholders are quoted values or inside scripts', () => {
    const f = checkFiles({
      'run.yaml': yaml`
        apiVersion: tekton.dev/v1
        kind: Task
        metadata:
          name: Bad_Name
        spec:
          params: [{name: rev, default: "{{ revision }}"}]
          steps:
            - name: s
              image: alpine:3.20
              script: |
                docker inspect --format '{{.Id}}' x $(params.rev)
      `,
    });
    expect(only(f, 'GENERATOR_TEMPLATE')).toEqual([]);
    expect(only(f, 'INVALID_RESOURCE_NAME')).toEqual([{ code: 'INVALID_RESOURCE_NAME', severity: 'error', line: 4, column: 9 }]);
  });
});

describe('yaml warnings', () => {
  it('become findings at their position (a key that is a map), never process warnings on stderr', () => {
    const warned = vi.spyOn(process, 'emitWarning');
    const f = checkYaml('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  ? {a: 1}\n  : b\n');
    expect(warned).not.toHaveBeenCalled();
    warned.mockRestore();
    expect(only(f, 'YAML_WARNING')).toEqual([{ code: 'YAML_WARNING', severity: 'warning', line: 6, column: 5 }]);
  });
});

describe('invalid-metadata', () => {
  it('refuses what the API server refuses in labels and annotations, at the offending entry', () => {
    const f = checkYaml(yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: x
        labels:
          description: A ConfigMap with a sentence for a label.
          ok: fine_value-1.2
          empty: ""
          version: 0.1
          example.com/ok: yes-please
          bad/key/parts: x
          ${'l'.repeat(64)}: x
        annotations:
          Example.COM/Mixed-Case: anything at all, any length
          tekton.dev/displayName: "Free text: annotations take any value"
          -bad: x
    `);
    expect(only(f, 'INVALID_METADATA').map((x) => x.line)).toEqual([6, 9, 11, 12, 16]);
  });
});
