import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadYaml } from '../yaml/source.js';
import { renderKustomizations } from './render.js';

/** kubectl from $KUBEBUILDER_ASSETS, kube-testenv's cache ($PLUMBING_KUBE_CACHE or ~/.cache/plumbing/kube), or PATH. */
function findKubectl(): string | undefined {
  const candidates: string[] = [];
  if (process.env.KUBEBUILDER_ASSETS) candidates.push(join(process.env.KUBEBUILDER_ASSETS, 'kubectl'));
  const cache = process.env.PLUMBING_KUBE_CACHE || join(homedir(), '.cache', 'plumbing', 'kube');
  if (existsSync(cache)) for (const d of readdirSync(cache)) candidates.push(join(cache, d, 'bin', 'kubectl'), join(cache, d, 'kubectl'));
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d) candidates.push(join(d, 'kubectl'));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const kubectl = findKubectl();

/** Kustomizations that use every feature the built-in renderer covers. */
const FILES: Record<string, string> = {
  'base/kustomization.yaml': 'resources: [task.yaml, deploy.yaml]\ncommonAnnotations: {team: ci}\n',
  'base/task.yaml': `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  params: [{name: a}, {name: b}]
  steps:
    - name: one
      image: alpine
      args: ["x", "y"]
      env: [{name: A, value: "1"}]
    - name: two
      image: alpine
`,
  'base/deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: c1
          image: nginx:1.27
          args: [a, b]
          ports: [{containerPort: 80}]
        - name: c2
          image: registry.example.com/side@sha256:${'a'.repeat(64)}
          env: [{name: X, value: "1"}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
`,
  // Without a name prefix: kustomize would rename the subjects too (nameReference), which the built-in renderer does not do.
  'rbac/kustomization.yaml': 'namespace: ci\nresources: [rbac.yaml]\n',
  'rbac/rbac.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: builder
subjects:
  - {kind: ServiceAccount, name: builder}
  - {kind: ServiceAccount, name: builder, namespace: old}
  - {kind: ServiceAccount, name: someone-else}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: prow
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer
  namespace: prow
subjects:
  - {kind: ServiceAccount, name: deployer}
  - {kind: ServiceAccount, name: deployer, namespace: prow}
  - {kind: ServiceAccount, name: deployer, namespace: other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: edit}
`,
  'overlay/kustomization.yaml': `resources: [../base]
namePrefix: dev-
nameSuffix: -x
namespace: ci
commonLabels: {app: web}
labels:
  - pairs: {tier: front}
images:
  - name: nginx
    newName: my/nginx
    newTag: "1.28"
  - name: alpine
    newTag: "3.20"
replicas:
  - name: web
    count: 3
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        spec:
          containers:
            - name: c2
              env: [{name: Y, value: "2"}]
            - name: c3
              image: busybox
patches:
  - path: task-patch.yaml
  - target: {kind: Task, name: build}
    patch: |-
      - op: replace
        path: /spec/steps/1/image
        value: busybox
      - op: add
        path: /spec/params/-
        value: {name: c}
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: web}
    path: deploy-ops.yaml
`,
  'overlay/task-patch.yaml': `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: build
spec:
  steps:
    - name: zero
      image: debian
    - name: one
      args: ["z"]
`,
  'overlay/deploy-ops.yaml': '- op: remove\n  path: /spec/template/spec/containers/2/args\n',
};

const key = (o: unknown) => {
  const v = o as { kind: string; metadata: { name: string } };
  return `${v.kind}/${v.metadata.name}`;
};
const byKey = (list: unknown[]) => Object.fromEntries(list.map((o) => [key(o), o]));

let dir = '';
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!kubectl)(`the built-in kustomize against the real one (${kubectl ?? 'skipped: no kubectl in $KUBEBUILDER_ASSETS, kube-testenv\'s cache or PATH'})`, () => {
  it('renders what `kubectl kustomize` renders for each kustomization', () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbing-kustomize-diff-'));
    for (const [f, t] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), t);
    }
    for (const k of ['base', 'overlay', 'rbac']) {
      // The base alone (as `kubectl kustomize base` sees it), then the overlay over it.
      const files = Object.entries(FILES).filter(([f]) => k !== 'base' || f.startsWith('base/'));
      const ours = renderKustomizations(files.map(([f, t]) => loadYaml(f, t)));
      expect(ours.notices.map((n) => [n.code, n.at.doc.file, n.at.path, n.message])).toEqual([]);
      const out = execFileSync(kubectl as string, ['kustomize', join(dir, k)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const theirs = parseAllDocuments(out).map((d) => (Array.isArray(d) ? undefined : d.toJS()));
      const mine = ours.objects.filter((o) => o.kustomization === `${k}/kustomization.yaml`).map((o) => o.doc.value);
      expect(byKey(mine)).toEqual(byKey(theirs));
    }
  });
});
