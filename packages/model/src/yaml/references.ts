import type { NodePath } from '../check/finding.js';
import type { RepoIndex } from './repo-index.js';
import type { ResourceDoc } from './source.js';
import { isMap, mapsOf } from './values.js';

/** One reference from a document to another resource, by kind and name. */
export interface Reference {
  kind: string;
  name: string;
  /** Where the name is written in the referring document. */
  path: NodePath;
  /** The referenced document, when the repository has it. */
  target: ResourceDoc | undefined;
}

/**
 * Every cross-resource reference a document makes: taskRef/pipelineRef (not resolver or bundle
 * refs), StepAction refs, TriggerTemplate → Pipeline, EventListener/Trigger → bindings,
 * templates and Triggers, RoleBinding → ServiceAccount/Role, and serviceAccountName fields.
 */
export function referencesOf(doc: ResourceDoc, index: RepoIndex): Reference[] {
  const out: Reference[] = [];
  const add = (kind: string, name: unknown, path: NodePath) => {
    if (typeof name === 'string' && name !== '') out.push({ kind, name, path, target: index.resolve(kind, name, doc) });
  };
  const v = doc.value;
  if (!isMap(v)) return out;
  const spec = isMap(v.spec) ? v.spec : undefined;

  const taskSpecRefs = (ts: unknown, base: NodePath) => {
    if (!isMap(ts)) return;
    for (const [step, i] of mapsOf(ts.steps)) if (isMap(step.ref) && step.ref.resolver === undefined) add('StepAction', step.ref.name, [...base, 'steps', i, 'ref', 'name']);
  };
  const pipelineSpecRefs = (ps: unknown, base: NodePath) => {
    if (!isMap(ps)) return;
    for (const list of ['tasks', 'finally'] as const) {
      for (const [pt, i] of mapsOf(ps[list])) {
        const tr = pt.taskRef;
        if (isMap(tr) && tr.resolver === undefined && tr.bundle === undefined && (tr.kind === undefined || tr.kind === 'Task') && tr.apiVersion === undefined) add('Task', tr.name, [...base, list, i, 'taskRef', 'name']);
        if (isMap(pt.pipelineRef) && pt.pipelineRef.resolver === undefined) add('Pipeline', pt.pipelineRef.name, [...base, list, i, 'pipelineRef', 'name']);
        taskSpecRefs(pt.taskSpec, [...base, list, i, 'taskSpec']);
        pipelineSpecRefs(pt.pipelineSpec, [...base, list, i, 'pipelineSpec']);
      }
    }
  };
  const runRefs = (value: Record<string, unknown>, base: NodePath) => {
    const s = isMap(value.spec) ? value.spec : undefined;
    if (!s) return;
    if (value.kind === 'TaskRun') {
      if (isMap(s.taskRef) && s.taskRef.resolver === undefined && s.taskRef.bundle === undefined) add('Task', s.taskRef.name, [...base, 'spec', 'taskRef', 'name']);
      taskSpecRefs(s.taskSpec, [...base, 'spec', 'taskSpec']);
      add('ServiceAccount', s.serviceAccountName, [...base, 'spec', 'serviceAccountName']);
    } else if (value.kind === 'PipelineRun') {
      if (isMap(s.pipelineRef) && s.pipelineRef.resolver === undefined && s.pipelineRef.bundle === undefined) add('Pipeline', s.pipelineRef.name, [...base, 'spec', 'pipelineRef', 'name']);
      pipelineSpecRefs(s.pipelineSpec, [...base, 'spec', 'pipelineSpec']);
      if (isMap(s.taskRunTemplate)) add('ServiceAccount', s.taskRunTemplate.serviceAccountName, [...base, 'spec', 'taskRunTemplate', 'serviceAccountName']);
    }
  };
  const triggerRefs = (t: Record<string, unknown>, base: NodePath) => {
    for (const [b, i] of mapsOf(t.bindings)) {
      if (typeof b.ref === 'string') add(b.kind === 'ClusterTriggerBinding' ? 'ClusterTriggerBinding' : 'TriggerBinding', b.ref, [...base, 'bindings', i, 'ref']);
    }
    if (isMap(t.template) && typeof t.template.ref === 'string') add('TriggerTemplate', t.template.ref, [...base, 'template', 'ref']);
    add('ServiceAccount', t.serviceAccountName, [...base, 'serviceAccountName']);
  };

  switch (doc.kind) {
    case 'Task':
      taskSpecRefs(spec, ['spec']);
      break;
    case 'Pipeline':
      pipelineSpecRefs(spec, ['spec']);
      break;
    case 'TaskRun':
    case 'PipelineRun':
      runRefs(v, []);
      break;
    case 'TriggerTemplate':
      for (const [rt, i] of mapsOf(spec?.resourcetemplates)) runRefs(rt, ['spec', 'resourcetemplates', i]);
      break;
    case 'Trigger':
      if (spec) triggerRefs(spec, ['spec']);
      break;
    case 'EventListener':
      if (!spec) break;
      add('ServiceAccount', spec.serviceAccountName, ['spec', 'serviceAccountName']);
      for (const [t, i] of mapsOf(spec.triggers)) {
        if (typeof t.triggerRef === 'string') add('Trigger', t.triggerRef, ['spec', 'triggers', i, 'triggerRef']);
        triggerRefs(t, ['spec', 'triggers', i]);
      }
      break;
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      if (isMap(v.roleRef)) add(v.roleRef.kind === 'ClusterRole' ? 'ClusterRole' : 'Role', v.roleRef.name, ['roleRef', 'name']);
      for (const [s, i] of mapsOf(v.subjects)) if (s.kind === 'ServiceAccount') add('ServiceAccount', s.name, ['subjects', i, 'name']);
      break;
    case 'CronJob': {
      const pod = isMap(spec?.jobTemplate) && isMap(spec.jobTemplate.spec) && isMap(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template.spec : undefined;
      if (isMap(pod)) add('ServiceAccount', pod.serviceAccountName, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'serviceAccountName']);
      break;
    }
    case 'Job':
    case 'Deployment': {
      const pod = isMap(spec?.template) ? spec.template.spec : undefined;
      if (isMap(pod)) add('ServiceAccount', pod.serviceAccountName, ['spec', 'template', 'spec', 'serviceAccountName']);
      break;
    }
  }
  return out;
}
