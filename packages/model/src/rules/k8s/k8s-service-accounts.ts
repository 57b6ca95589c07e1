/**
 * SERVICE_ACCOUNT_UNDEFINED: a ServiceAccount named by an EventListener/Trigger, a run, a
 * TriggerTemplate's runs, a pod-owning workload or a binding subject, that no ServiceAccount
 * in the repository defines. One pass over the index per check.
 *
 * Judgement (fewer false positives): names are matched regardless of namespace (kustomize often
 * sets namespaces later); `default` and `$(…)` values are skipped; a binding subject in a
 * namespace that nothing in the repository lives in (e.g. `tekton-pipelines`, installed by a
 * release) is skipped.
 */
import type { NodePath } from '../../check/finding.js';
import type { RepoRule } from '../../check/rule.js';
import type { ResourceDoc } from '../../yaml/source.js';
import { get, isMap } from '../../yaml/values.js';

type Use = (doc: ResourceDoc, path: NodePath, namespace?: string) => void;

/** The service-account fields of a PipelineRun/TaskRun spec at `base`. */
function runAccounts(doc: ResourceDoc, run: unknown, base: NodePath, use: Use): void {
  if (!isMap(run)) return;
  use(doc, [...base, 'serviceAccountName']);
  use(doc, [...base, 'taskRunTemplate', 'serviceAccountName']);
  const specs = run.taskRunSpecs;
  if (Array.isArray(specs)) for (let i = 0; i < specs.length; i++) use(doc, [...base, 'taskRunSpecs', i, 'serviceAccountName']);
}

function podAccounts(doc: ResourceDoc, base: NodePath, use: Use): void {
  use(doc, [...base, 'serviceAccountName']);
  use(doc, [...base, 'serviceAccount']);
}

export const serviceAccountRule: RepoRule = {
  id: 'service-account-undefined',
  check({ index, reportAt }) {
    const defined = new Set<string>();
    for (const sa of index.ofKind('ServiceAccount')) if (sa.name) defined.add(sa.name);
    const namespaces = new Set<string>();
    for (const ns of index.ofKind('Namespace')) if (ns.name) namespaces.add(ns.name);
    for (const d of index.docs) if (d.namespace) namespaces.add(d.namespace);

    const use: Use = (doc, path, namespace) => {
      const name = get(doc.value, ...path);
      if (typeof name !== 'string' || name === '' || name === 'default' || name.includes('$(')) return;
      if (defined.has(name)) return;
      if (namespace && !namespaces.has(namespace)) return;
      reportAt(doc, 'SERVICE_ACCOUNT_UNDEFINED', path, `ServiceAccount "${name}" is not defined in the repository`, {
        hint: 'add the ServiceAccount (with its RoleBinding) next to what uses it, or fix the name',
      });
    };

    for (const doc of index.ofKind('EventListener')) {
      use(doc, ['spec', 'serviceAccountName']);
      use(doc, ['spec', 'resources', 'kubernetesResource', 'spec', 'template', 'spec', 'serviceAccountName']);
      const triggers = get(doc.value, 'spec', 'triggers');
      if (Array.isArray(triggers)) for (let i = 0; i < triggers.length; i++) use(doc, ['spec', 'triggers', i, 'serviceAccountName']);
    }
    for (const doc of index.ofKind('Trigger')) use(doc, ['spec', 'serviceAccountName']);
    for (const kind of ['PipelineRun', 'TaskRun']) for (const doc of index.ofKind(kind)) runAccounts(doc, get(doc.value, 'spec'), ['spec'], use);
    for (const doc of index.ofKind('TriggerTemplate')) {
      const rts = get(doc.value, 'spec', 'resourcetemplates');
      if (!Array.isArray(rts)) continue;
      rts.forEach((rt, i) => {
        if (isMap(rt) && (rt.kind === 'PipelineRun' || rt.kind === 'TaskRun')) runAccounts(doc, rt.spec, ['spec', 'resourcetemplates', i, 'spec'], use);
      });
    }
    for (const doc of index.ofKind('CronJob')) podAccounts(doc, ['spec', 'jobTemplate', 'spec', 'template', 'spec'], use);
    for (const kind of ['Job', 'Deployment', 'StatefulSet', 'DaemonSet']) for (const doc of index.ofKind(kind)) podAccounts(doc, ['spec', 'template', 'spec'], use);
    for (const doc of index.ofKind('Pod')) podAccounts(doc, ['spec'], use);
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      for (const doc of index.ofKind(kind)) {
        const subjects = get(doc.value, 'subjects');
        if (!Array.isArray(subjects)) continue;
        subjects.forEach((s, i) => {
          if (!isMap(s) || s.kind !== 'ServiceAccount') return;
          const ns = typeof s.namespace === 'string' && s.namespace !== '' ? s.namespace : doc.namespace;
          use(doc, ['subjects', i, 'name'], ns);
        });
      }
    }
  },
};

export const SERVICE_ACCOUNT_REPO_RULES: readonly RepoRule[] = [serviceAccountRule];
