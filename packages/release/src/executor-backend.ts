import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePipelineRun, executeRuns, executeTaskRun, loadRunsFromFiles } from '@plumbing/executor';
import { PlumbingError } from '@plumbing/model';
import { stringify } from 'yaml';
import { pipelineParams } from './backend.js';
import { keepOutputs } from './artifacts.js';
import { fileBucketDir } from '@plumbing/storage';
import { serveRepository } from '@plumbing/git';
import type { BackendInput, BackendResult, ReleaseBackend } from './types.js';

export interface ExecutorBackendOptions {
  /** Use bubblewrap when available (default true). */
  sandbox?: boolean;
}

/**
 * The local backend with the embedded executor (@plumbing/executor): when the repository has the
 * release pipeline at the commit, it runs it with the params contract and `upload: "false"` (the
 * converge steps publish); its step output goes into the release log. Tasks and pipelines
 * resolve from the commit's tree (git archive); `git-url` is the local repository served
 * read-only on loopback (the sandboxed clone step reaches 127.0.0.1, not the host's paths, and
 * the commit need not be pushed); `source` is its own copy of the commit's tree (a pipeline that clones replaces it);
 * `bucket` is the file:// bucket's directory (relative to the repository root). Without the
 * pipeline, nothing runs and the steps build in TypeScript.
 */
export function executorBackend(opts: ExecutorBackendOptions = {}): ReleaseBackend {
  return {
    name: 'local',
    pipelineUploads: false,
    describe: ({ plan, config }) =>
      plan.pipeline?.found
        ? `run ${plan.pipeline.file} on the embedded executor over ${plan.commit.slice(0, 7)} (upload: "false"; ${plan.runTests ? 'with the repository\'s tests' : 'run-tests: "false": the repository\'s tests are CI\'s (--with-tests runs them here)'}), then the steps below publish`
        : `no ${config.pipeline} pipeline in the repository at ${plan.commit.slice(0, 7)}: the steps below build and publish in TypeScript`,
    async runPipeline(input: BackendInput): Promise<BackendResult> {
      const { plan, config } = input;
      if (!plan.pipeline?.found) return { status: 'skipped', detail: `no ${config.pipeline} pipeline at ${plan.commit.slice(0, 7)}` };
      const tmp = await mkdtemp(join(tmpdir(), 'plumbing-release-run-'));
      const tree = join(tmp, 'tree');
      const source = join(tmp, 'source');
      const served = await serveRepository(input.git);
      try {
        await mkdir(tree);
        await mkdir(source);
        await input.git.archive(plan.commit, tree);
        // source starts as the commit's tree too: a pipeline that clones (git-clone empties it
        // first) gets the same commit from git-url; one that does not still sees the tree.
        await input.git.archive(plan.commit, source);
        const file = join(tree, '.plumbing', 'release', 'pipelinerun.yaml');
        await mkdir(join(tree, '.plumbing', 'release'), { recursive: true });
        const params = pipelineParams(plan, config, served.url, false);
        const bucketDir = fileBucketDir(config.bucket, input.git.dir);
        if (bucketDir && plan.pipeline.workspaces.includes('bucket')) await mkdir(bucketDir, { recursive: true });
        input.out(`pipeline: ${config.pipeline} on the embedded executor; git-url ${served.url} (this repository, read-only on loopback)${bucketDir ? `, bucket workspace ${bucketDir}` : ''}`);
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
        for (const r of runPlan.runs) {
          if (plan.pipeline.workspaces.includes('source')) r.hostDirs.source = source;
          if (bucketDir && plan.pipeline.workspaces.includes('bucket')) r.hostDirs.bucket = bucketDir;
        }
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
        if (input.outputsDir) {
          // Its release/ is what the cluster's pipeline uploads: the converge steps publish exactly that.
          const n = await keepOutputs(join(source, 'release'), input.outputsDir);
          input.out(`pipeline: kept ${n} file(s) of its release/ in ${input.outputsDir}`);
        }
        return { status: 'done', detail: `the ${config.pipeline} pipeline succeeded on the embedded executor (${o?.run.name})` };
      } finally {
        await served.close();
        await rm(tmp, { recursive: true, force: true });
      }
    },
  };
}
