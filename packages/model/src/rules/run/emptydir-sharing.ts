/** A PipelineRun that binds a Pipeline workspace to an emptyDir which several pipeline tasks use. */
import type { NodePath } from '../../check/finding.js';
import type { DocContext, DocRule } from '../../check/rule.js';
import { isMap, type JsonMap, mapsOf } from '../../yaml/values.js';
import { targetOf } from '../pipeline/pipeline-target.js';

interface Use {
  task: string;
  /** False when the task's Task declares the workspace `readOnly: true`. */
  writes: boolean;
}

/** The pipeline tasks (tasks and finally) that bind pipeline workspace `ws`, and whether each may write it. */
function usesOf(ctx: DocContext, pipeline: JsonMap, ws: string): Use[] {
  const out: Use[] = [];
  for (const section of ['tasks', 'finally']) {
    for (const [pt, i] of mapsOf(pipeline[section])) {
      const binding = mapsOf(pt.workspaces).find(([b]) => (typeof b.workspace === 'string' ? b.workspace : b.name) === ws)?.[0];
      if (!binding || typeof pt.name !== 'string') continue;
      const task = targetOf(ctx, pt, [section, i], true).spec;
      const declared = mapsOf(task?.workspaces).find(([d]) => d.name === binding.name)?.[0];
      out.push({ task: pt.name, writes: declared?.readOnly !== true });
    }
  }
  return out;
}

/**
 * Tekton gives each TaskRun its own emptyDir: a Pipeline workspace bound to `emptyDir` is not
 * shared between pipeline tasks, so what one task writes there the next one never sees. Warned
 * when two or more tasks use such a workspace and one of them may write it.
 */
export const emptyDirSharingRule: DocRule = {
  id: 'pipelinerun-emptydir-sharing',
  kinds: ['PipelineRun'],
  check(ctx) {
    const spec = ctx.value.spec;
    if (!isMap(spec) || !ctx.enabled('EMPTYDIR_WORKSPACE_NOT_SHARED')) return;
    const pipeline = targetOf(ctx, spec, ['spec'], false);
    if (pipeline.kind !== 'Pipeline' || !pipeline.spec) return;
    for (const [b, i] of mapsOf(spec.workspaces)) {
      if (typeof b.name !== 'string' || b.emptyDir === undefined) continue;
      const uses = usesOf(ctx, pipeline.spec, b.name);
      const writer = uses.find((u) => u.writes);
      const others = uses.filter((u) => u.task !== writer?.task).map((u) => u.task);
      if (!writer || others.length === 0) continue;
      const path: NodePath = ['spec', 'workspaces', i, 'emptyDir'];
      const message = `workspace "${b.name}" is an emptyDir: each TaskRun gets its own, so what "${writer.task}" writes there ${others.map((t) => `"${t}"`).join(', ')} will not see`;
      ctx.report('EMPTYDIR_WORKSPACE_NOT_SHARED', path, message, { key: true, hint: 'bind a volumeClaimTemplate (one PVC for the whole run) or a persistentVolumeClaim to share files between tasks' });
    }
  },
};
