import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '@plumbing/kube';
import { refOf } from '@plumbing/kube';
import type { PostDeployTest } from '@plumbing/model';
import { PlumbingError } from '@plumbing/model';
import { parseAllDocuments } from 'yaml';
import { type ApplyProgress, type EngineContext, GateError } from '../engine-context.js';
import type { Gate } from './types.js';

interface TemplateParam {
  name: string;
  default?: string;
}

/** `$(tt.params.x)` → the param's default, else a placeholder; `$(uid)` → a fixed id. */
export function substituteTemplate(value: unknown, params: readonly TemplateParam[]): unknown {
  const text = JSON.stringify(value).replace(/\$\(tt\.params\.([A-Za-z0-9_.-]+)\)/g, (_m, name: string) => {
    const p = params.find((x) => x.name === name);
    return JSON.stringify(p?.default ?? `test-${name}`).slice(1, -1);
  });
  return JSON.parse(text.replace(/\$\(uid\)/g, 'dryrun'));
}

/** The runs each TriggerTemplate of the set would create, with test values for its params. */
export function triggerTemplateRuns(objects: readonly KubeObject[]): { template: string; run: KubeObject }[] {
  const out: { template: string; run: KubeObject }[] = [];
  for (const tt of objects) {
    if (tt.kind !== 'TriggerTemplate') continue;
    const spec = (tt.spec ?? {}) as { params?: TemplateParam[]; resourcetemplates?: unknown[] };
    for (const rt of spec.resourcetemplates ?? []) {
      const run = substituteTemplate(rt, spec.params ?? []) as KubeObject;
      run.metadata = { ...(run.metadata ?? {}) } as KubeObject['metadata'];
      if (!run.metadata.namespace && tt.metadata.namespace) run.metadata.namespace = tt.metadata.namespace;
      if (!run.metadata.name) {
        const gen = (run.metadata as { generateName?: string }).generateName;
        run.metadata.name = `${gen ?? `${tt.metadata.name}-`}dryrun`;
        delete (run.metadata as { generateName?: string }).generateName;
      }
      out.push({ template: `${tt.metadata.namespace ?? ''}/${tt.metadata.name}`, run });
    }
  }
  return out;
}

function loadFile(root: string, file: string): KubeObject[] {
  let text: string;
  try {
    text = readFileSync(join(root, file), 'utf8');
  } catch (e) {
    throw new PlumbingError('DEPLOY_TEST_FILE', `cannot read ${file}`, { cause: e });
  }
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object');
}

/** Runs the post-deploy tests in order; the first failure fails the gate. */
export async function runPostDeployTests(ctx: EngineContext, tests: readonly PostDeployTest[], desired: readonly KubeObject[], root: string, progress: ApplyProgress, defaultNamespace = 'default'): Promise<void> {
  progress.stage = 'post-deploy tests';
  for (const t of tests) {
    try {
      if (t.type === 'dryRunTriggerTemplates') {
        const runs = triggerTemplateRuns(desired);
        for (const { template, run } of runs) {
          try {
            await ctx.port.create(run, { dryRun: true });
          } catch (e) {
            throw new PlumbingError('DEPLOY_TEST_FAILED', `TriggerTemplate ${template} would create an invalid ${run.kind}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
          }
        }
        ctx.log(`test ${t.name}: ${runs.length} run(s) from TriggerTemplates accepted by a server-side dry run`);
      } else if (t.type === 'dryRunFile') {
        const runs = loadFile(root, t.file);
        for (const run of runs) {
          if (!run.metadata.namespace) run.metadata.namespace = defaultNamespace;
          await ctx.port.create(run, { dryRun: true });
        }
        ctx.log(`test ${t.name}: ${runs.length} object(s) of ${t.file} accepted by a server-side dry run`);
      } else if (t.type === 'pipelineRun') {
        for (const run of loadFile(root, t.file)) {
          if (!run.metadata.namespace) run.metadata.namespace = defaultNamespace;
          const created = await ctx.port.create(run);
          await waitSucceeded(ctx, created, (t.timeoutSeconds ?? 600) * 1000);
        }
        ctx.log(`test ${t.name}: PipelineRun succeeded`);
      }
    } catch (e) {
      throw new GateError(`post-deploy test ${t.name}`, e instanceof Error ? e.message : String(e), progress, e);
    }
  }
}

async function waitSucceeded(ctx: EngineContext, run: KubeObject, timeoutMs: number): Promise<void> {
  const now = ctx.now ?? Date.now;
  const sleep = ctx.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + timeoutMs;
  for (;;) {
    const cur = await ctx.port.get(refOf(run));
    const cond = (cur?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Succeeded');
    if (cond?.status === 'True') return;
    if (cond?.status === 'False') throw new PlumbingError('DEPLOY_TEST_FAILED', `${run.kind} ${run.metadata.name} failed: ${cond.reason ?? ''} ${cond.message ?? ''}`.trim());
    if (now() >= deadline) throw new PlumbingError('DEPLOY_TEST_FAILED', `${run.kind} ${run.metadata.name} did not finish within ${Math.round(timeoutMs / 1000)}s`);
    await sleep(Math.max(ctx.pollMs ?? 250, 1000));
  }
}

/** The post-deploy tests gate: spec.postDeployTests, in order (server-side dry runs, test PipelineRuns). */
export const postDeployTestsGate: Gate = {
  name: 'post-deploy tests',
  phase: 'after-apply',
  async run(input) {
    const a = input.applied!;
    const tests = input.config.spec?.postDeployTests ?? [];
    if (tests.length) await runPostDeployTests(a.ctx, tests, a.objects, input.root, a.progress, a.defaultNamespace);
  },
};
