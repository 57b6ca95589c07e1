import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePipelineRun, executeRuns, executeTaskRun, loadRunsFromFiles } from '@plumbing/executor';
import { PlumbingError } from '@plumbing/model';
import { stringify } from 'yaml';
import { type BackendInput, type BackendResult, pipelineParams, type ReleaseBackend } from './backend.js';

export interface ExecutorBackendOptions {
  /** Use bubblewrap when available (default true). */
  sandbox?: boolean;
}

/**
 * The local backend with the embedded executor (@plumbing/executor): when the repository has the
 * release pipeline at the commit, it runs it over that commit's tree (workspace `source`), with
 * the params contract and `upload: "false"` (the converge steps publish); its step output goes
 * into the release log. Without the pipeline, nothing runs and the steps build in TypeScript.
 */
export function executorBackend(opts: ExecutorBackendOptions = {}): ReleaseBackend {
  return {
    name: 'local',
    pipelineUploads: false,
    describe: ({ plan, config }) =>
      plan.pipeline?.found
        ? `run ${plan.pipeline.file} on the embedded executor over ${plan.commit.slice(0, 7)} (build and test, upload: "false"), then the steps below publish`
        : `no ${config.pipeline} pipeline in the repository at ${plan.commit.slice(0, 7)}: the steps below build and publish in TypeScript`,
    async runPipeline(input: BackendInput): Promise<BackendResult> {
      const { plan, config } = input;
      if (!plan.pipeline?.found) return { status: 'skipped', detail: `no ${config.pipeline} pipeline at ${plan.commit.slice(0, 7)}` };
      const tree = await mkdtemp(join(tmpdir(), 'plumbing-release-run-'));
      try {
        await input.git.archive(plan.commit, tree);
        const file = join(tree, '.plumbing', 'release', 'pipelinerun.yaml');
        await mkdir(join(tree, '.plumbing', 'release'), { recursive: true });
        const params = pipelineParams(plan, config, input.gitUrl, false);
        await writeFile(
          file,
          stringify({
            apiVersion: 'tekton.dev/v1',
            kind: 'PipelineRun',
            metadata: { generateName: `${config.project}-release-`, labels: { 'plumbing.dev/release-project': config.project } },
            spec: {
              pipelineRef: { name: config.pipeline },
              params: Object.entries(params).map(([name, value]) => ({ name, value })),
              workspaces: plan.pipeline.workspaces.map((name) => ({ name, emptyDir: {} })),
            },
          }),
        );
        const runPlan = await loadRunsFromFiles({ root: tree, cwd: tree, files: [file] });
        const errors = runPlan.findings.filter((f) => f.severity === 'error');
        if (errors.length) throw new PlumbingError('RELEASE_PIPELINE_INVALID', `the release PipelineRun does not validate: ${errors.map((f) => `${f.file}:${f.line} ${f.code} ${f.message}`).join('; ')}`, { hint: 'fix the pipeline (plumbing check) or the params contract (docs/release.md)' });
        for (const r of runPlan.runs) if (plan.pipeline.workspaces.includes('source')) r.hostDirs.source = tree;
        const signal = input.signal ?? new AbortController().signal;
        const outcomes = await executeRuns(runPlan, { executeTaskRun, executePipelineRun }, {
          signal,
          sandbox: opts.sandbox ?? true,
          onEvent: (_run, e) => {
            if (e.type === 'step-output') for (const line of e.text.replace(/\n$/, '').split('\n')) input.out(`[${e.taskRun}/${e.step}] ${line}`);
            else if (e.type === 'taskrun-end') input.out(`[${e.taskRun}] ${e.succeeded === 'True' ? 'succeeded' : `failed: ${e.reason}`}`);
            else if (e.type === 'warning') input.out(`warning: ${e.message}`);
          },
        });
        const o = outcomes[0];
        const cond = o?.status.conditions.find((c) => c.type === 'Succeeded');
        if (cond?.status !== 'True') throw new PlumbingError('RELEASE_PIPELINE_FAILED', `the ${config.pipeline} pipeline failed: ${cond?.reason ?? 'unknown'} ${cond?.message ?? ''}`.trim(), { hint: 'read its step output above (in the release log), fix, re-run' });
        return { status: 'done', detail: `the ${config.pipeline} pipeline succeeded on the embedded executor (${o?.run.name})` };
      } finally {
        await rm(tree, { recursive: true, force: true });
      }
    },
  };
}
