/**
 * v1beta1 `resources` (PipelineResources), removed from Tekton: the v1beta1 types keep the field so
 * that old objects decode, and the webhook refuses it wherever it is set ("must not set the
 * field(s): resources": task_validation.go, pipeline_validation.go, pipelinerun_validation.go,
 * taskrun_validation.go).
 */
import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';

function at(ctx: DocContext, owner: unknown, path: NodePath): void {
  if (isMap(owner) && owner.resources !== undefined && owner.resources !== null) {
    ctx.report('PIPELINE_RESOURCES_REMOVED', [...path, 'resources'], 'must not set the field(s): resources (PipelineResources were removed from Tekton)', { key: true, hint: 'use workspaces and params' });
  }
}

function pipelineSpec(ctx: DocContext, spec: unknown, path: NodePath): void {
  if (!isMap(spec)) return;
  at(ctx, spec, path);
  for (const section of ['tasks', 'finally'] as const) {
    for (const [t, i] of mapsOf(spec[section])) {
      at(ctx, t, [...path, section, i]);
      at(ctx, t.taskSpec, [...path, section, i, 'taskSpec']);
    }
  }
}

export const removedResourcesRule: DocRule = {
  id: 'pipeline-resources-removed',
  kinds: ['Task', 'ClusterTask', 'Pipeline', 'TaskRun', 'PipelineRun'],
  check(ctx) {
    const { value } = ctx;
    if (value.apiVersion !== 'tekton.dev/v1beta1' || !isMap(value.spec)) return;
    const spec: JsonMap = value.spec;
    const p: NodePath = ['spec'];
    if (value.kind === 'Pipeline') pipelineSpec(ctx, spec, p);
    else if (value.kind === 'PipelineRun') {
      at(ctx, spec, p);
      pipelineSpec(ctx, spec.pipelineSpec, [...p, 'pipelineSpec']);
    } else {
      at(ctx, spec, p);
      if (value.kind === 'TaskRun') at(ctx, spec.taskSpec, [...p, 'taskSpec']);
    }
  },
};
