import type { PipelineInfo, PlanCheck } from './types.js';
import { checkReleasePipeline } from './catalog-check.js';
import type { ReleaseProjectConfig } from './config.js';
import type { CiState } from '@plumbing/github';
import { fullVersionProblems } from './version.js';
import type { ReleaseBackend, ReleaseContext, ReleaseRequest } from './types.js';


export interface CheckInput {
  config: ReleaseProjectConfig;
  version: string;
  commit: string;
  branch: string;
  backend: ReleaseBackend;
  published: readonly string[];
  artifactErrors: readonly string[];
  apply: boolean;
}

const pass = (id: string, reason: string): PlanCheck => ({ id, status: 'pass', reason });
const fail = (id: string, reason: string, hint: string): PlanCheck => ({ id, status: 'fail', reason, hint });
const skip = (id: string, reason: string): PlanCheck => ({ id, status: 'skip', reason });

/** Every pre-release check; none changes anything. */
export async function runChecks(ctx: ReleaseContext, req: ReleaseRequest, c: CheckInput): Promise<{ checks: PlanCheck[]; pipeline: PipelineInfo }> {
  const out: PlanCheck[] = [];
  const short = c.commit.slice(0, 7);
  const file = c.config.file;

  if (req.kind === 'full') {
    // The version itself may be published already (a re-run): the tag check below guards its commit.
    const problems = fullVersionProblems(c.version, c.published.filter((t) => t !== c.version));
    out.push(problems.length ? fail('version', problems.map((p) => p.reason).join('; '), problems.map((p) => p.hint).join('; ')) : pass('version', `${c.version} is valid semver and greater than every published release of its line`));
  } else out.push(pass('version', `${c.version} is a valid semver prerelease`));

  // The tag must not exist on another commit (locally or on GitHub).
  const localTag = await ctx.git.revParse(`refs/tags/${c.version}`);
  const remoteTag = ctx.github ? await ctx.github.tagSha(c.version) : undefined;
  const other = [localTag, remoteTag].find((t) => t !== undefined && t !== c.commit);
  if (other) out.push(fail('tag', `tag ${c.version} already exists on ${other.slice(0, 7)}, not ${short}`, 'release the next version; a published tag is never moved (delete it only if it was never published)'));
  else out.push(pass('tag', localTag || remoteTag ? `tag ${c.version} is on ${short} (a re-run resumes)` : `tag ${c.version} does not exist yet`));

  // The tool's own state (.plumbing/: journals, logs, a file:// bucket) never makes the tree dirty.
  const dirty = (await ctx.git.dirtyFiles()).filter((l) => !l.slice(3).replace(/^"/, '').startsWith('.plumbing/'));
  if (dirty.length) out.push(fail('clean-tree', `the working tree has ${dirty.length} uncommitted change(s): ${dirty.slice(0, 3).map((l) => l.slice(3)).join(', ')}${dirty.length > 3 ? ', …' : ''}`, 'commit (through a pull request) or stash them (git stash -u), then re-run'));
  else out.push(pass('clean-tree', 'the working tree is clean'));

  const remoteRef = `refs/remotes/${c.config.remote}/${c.branch}`;
  const remoteSha = await ctx.git.revParse(remoteRef);
  const hasRemote = (await ctx.git.remoteUrl(c.config.remote)) !== undefined;
  if (!hasRemote && req.kind === 'nightly' && c.backend.name === 'local') {
    // A clone without the remote (a copy, a fork set up differently): "on the remote branch" cannot
    // be known. A local nightly is a rehearsal into the local bucket, so it goes on, saying so.
    out.push(skip('remote-branch', `WARNING: this clone has no remote ${c.config.remote}: ${short} is not checked against ${c.config.remote}/${c.branch} (a local nightly of what is checked out)`));
  } else if (!hasRemote) {
    out.push(fail('remote-branch', `this clone has no remote ${c.config.remote}: cannot tell whether ${short} is on ${c.config.remote}/${c.branch}`, `git remote add ${c.config.remote} https://github.com/${c.config.owner}/${c.config.repo} && git fetch ${c.config.remote}, then re-run (spec.remote in ${file} names the remote)`));
  } else if (!remoteSha) {
    out.push(
      fail(
        'remote-branch',
        `there is no ${c.config.remote}/${c.branch}`,
        req.kind === 'full' ? `cut the release branch (scripts/cut-release-branch.mjs --version ${c.version}), push it, then git fetch ${c.config.remote}` : `git fetch ${c.config.remote} ${c.branch}`,
      ),
    );
  } else if (!(await ctx.git.isAncestor(c.commit, remoteRef))) {
    out.push(fail('remote-branch', `commit ${short} is not on ${c.config.remote}/${c.branch}`, `release a commit of ${c.config.remote}/${c.branch} (git fetch; git checkout ${c.config.remote}/${c.branch}), or get this one merged there first`));
  } else out.push(pass('remote-branch', `commit ${short} is on ${c.config.remote}/${c.branch}`));

  if (!ctx.github) {
    out.push(skip('ci', `CI on ${short} not checked: no GITHUB_TOKEN`));
    if (!c.apply) out.push(skip('github-token', 'no GITHUB_TOKEN: the GitHub steps say what they would do'));
    else if (req.kind === 'nightly' && c.backend.name === 'local') {
      // A local nightly without a token: the bucket gets the nightly, GitHub is left alone. A later
      // run with GITHUB_TOKEN finds this nightly unfinished on GitHub and adds the tag and release.
      out.push(skip('github-token', 'WARNING: no GITHUB_TOKEN: the GitHub steps (tag, release, assets, publish) are skipped; this nightly goes to the bucket only (export GITHUB_TOKEN and re-run to publish it on GitHub)'));
    } else out.push(fail('github-token', 'GITHUB_TOKEN is not set: the tag, the draft release and its assets cannot be written', 'export GITHUB_TOKEN with contents: write and issues: write on the repository (never pass it on the command line)'));
  } else out.push(ciCheck(await ctx.github.ciState(c.commit), c.config.requiredChecks, short));

  out.push(targetCheck(ctx, req, c));

  if (req.bucket !== undefined && req.bucket !== c.config.bucket) {
    out.push(fail('bucket', `bucket ${req.bucket} is not the configured ${c.config.bucket}`, `drop --bucket (the release always uses ${file}'s bucket), or change ${file} through review`));
  }
  if (req.imageRegistry !== undefined && req.imageRegistry !== c.config.imageRegistry) {
    out.push(fail('image-registry', `image registry ${req.imageRegistry} is not the configured ${c.config.imageRegistry}`, `drop --image-registry, or change ${file} through review`));
  }

  const cat = await checkReleasePipeline(ctx.git, c.commit, c.config.pipeline);
  if (!cat.pipelineFound) {
    if (c.backend.pipelineUploads) out.push(fail('catalog', `the release pipeline ${c.config.pipeline} is not in the repository at ${short}`, `add pipelines/${c.config.pipeline}/, or fix spec.pipeline in ${file}`));
    else out.push(skip('catalog', `the release pipeline ${c.config.pipeline} is not in the repository at ${short}: the local backend publishes without it`));
  } else {
    if (cat.missing.length) out.push(fail('catalog', `${cat.pipelineFile} references what the catalog does not have at ${short}: ${cat.missing.join(', ')}`, 'add the missing task versions to the catalog (or fix the references) and release a commit that has them'));
    else out.push(pass('catalog', `every task and pipeline ${c.config.pipeline} references is in the catalog at ${short}`));
    // An empty default is no default (the backend always passes the configured value).
    const bucketDefault = cat.paramDefaults.bucket || undefined;
    const registryDefault = cat.paramDefaults['image-registry'] || undefined;
    if (bucketDefault !== undefined && bucketDefault !== c.config.bucket) out.push(fail('bucket', `the default bucket of ${cat.pipelineFile} is ${bucketDefault}, not the configured ${c.config.bucket}`, `make them the same (the plumbing release passes ${file}'s bucket)`));
    if (registryDefault !== undefined && registryDefault !== c.config.imageRegistry) out.push(fail('image-registry', `the default image registry of ${cat.pipelineFile} is ${registryDefault}, not the configured ${c.config.imageRegistry}`, 'make them the same'));
  }
  if (!out.some((x) => x.id === 'bucket')) out.push(pass('bucket', `bucket ${c.config.bucket}`));
  if (!out.some((x) => x.id === 'image-registry')) out.push(pass('image-registry', `image registry ${c.config.imageRegistry}`));

  if (c.artifactErrors.length) out.push(fail('artifacts', c.artifactErrors.join('; '), `fix spec.artifacts in ${file}`));
  else {
    const byPipeline = c.config.artifacts.filter((a) => a.paths === undefined).map((a) => a.name);
    const byTool = c.config.artifacts.filter((a) => a.paths !== undefined).map((a) => a.name);
    const said = [byPipeline.length && `${byPipeline.join(', ')} built by the ${c.config.pipeline} pipeline`, byTool.length && `${byTool.join(', ')} built from ${short}`].filter(Boolean);
    out.push(pass('artifacts', said.length ? `spec.artifacts: ${said.join('; ')}` : 'no artifacts'));
  }
  return { checks: out, pipeline: { name: c.config.pipeline, found: cat.pipelineFound, file: cat.pipelineFile ?? null, params: cat.params, workspaces: cat.workspaces } };
}


const OK_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

/** CI is green when every commit status and check run on the commit succeeded (or every required one, when listed). */
export function ciCheck(ci: CiState, required: readonly string[] | undefined, short: string): PlanCheck {
  const results = [
    ...ci.statuses.map((s) => ({ name: s.context, ok: s.state === 'success', pending: s.state === 'pending', state: s.state })),
    ...ci.checkRuns.map((r) => ({ name: r.name, ok: r.status === 'completed' && OK_CONCLUSIONS.has(r.conclusion ?? ''), pending: r.status !== 'completed', state: r.status === 'completed' ? (r.conclusion ?? 'unknown') : r.status })),
  ];
  const hint = 'wait for CI, or fix it and release a commit that is green; never release past a red CI';
  if (required?.length) {
    const missing = required.filter((n) => !results.some((r) => r.name === n));
    if (missing.length) return fail('ci', `required check(s) ${missing.join(', ')} have not reported on ${short}`, hint);
  }
  const considered = required?.length ? results.filter((r) => required.includes(r.name)) : results;
  if (considered.length === 0) return fail('ci', `no CI status or check run on ${short}`, `wait for CI to report on ${short} (or list requiredChecks in the release config)`);
  const bad = considered.filter((r) => !r.ok);
  if (bad.length) {
    const pending = bad.every((b) => b.pending);
    return fail('ci', `CI is ${pending ? 'pending' : 'not green'} on ${short}: ${bad.map((b) => `${b.name} ${b.state}`).join(', ')}`, hint);
  }
  if (!required?.length && ci.statuses.length > 0 && ci.combined !== 'success') return fail('ci', `combined status of ${short} is ${ci.combined}`, hint);
  return pass('ci', `CI is green on ${short} (${considered.length} status(es) and check run(s))`);
}

function targetCheck(ctx: ReleaseContext, req: ReleaseRequest, c: CheckInput): PlanCheck {
  const file = c.config.file;
  if (c.backend.name === 'local') {
    if (req.context !== undefined || req.inCluster) return fail('target', 'the local backend runs on no cluster, but a kube context was given', 'drop --context/--in-cluster, or use --backend cluster');
    return pass('target', 'local backend: no cluster is involved');
  }
  const allowed = c.config.targets;
  if (req.inCluster) {
    const t = allowed.find((x) => x.inCluster);
    if (!t) return fail('target', `${file} allows no in-cluster release of ${c.config.project}`, `add a target with inCluster: true to ${file} through review, or run with --context`);
    if (req.namespace !== undefined && req.namespace !== t.namespace) return fail('target', `namespace ${req.namespace} is not the configured ${t.namespace} of target ${t.name}`, `use --namespace ${t.namespace}`);
    return pass('target', `in cluster ${t.name}, namespace ${t.namespace}`);
  }
  const context = req.context ?? ctx.currentKubeContext?.();
  const names = allowed.flatMap((t) => (t.context ? [t.context] : []));
  if (context === undefined) return fail('target', 'no kube context given or current', `pass --context ${names[0] ?? 'NAME'} (allowed: ${names.join(', ') || 'none'})`);
  const t = allowed.find((x) => x.context === context);
  if (!t) return fail('target', `kube context ${context} is not one ${file} allows for ${c.config.project} (allowed: ${names.join(', ') || 'none'})`, `pass --context ${names[0] ?? '<allowed>'}; never release from another cluster`);
  if (req.namespace !== undefined && req.namespace !== t.namespace) return fail('target', `namespace ${req.namespace} is not the configured ${t.namespace} of target ${t.name}`, `use --namespace ${t.namespace}`);
  return pass('target', `context ${context} (cluster ${t.name}), namespace ${t.namespace}`);
}
