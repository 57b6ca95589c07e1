import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const RELEASE_HELP = `Usage: plumbing release nightly [options]
       plumbing release full --version vX.Y.Z [options]

Releases a project configured in releases/<project>.yaml (kind: Release): computes the plan (the
version and why, the commit, the previous release, the notes, every step and what it will create
or skip), runs the pre-release checks, then converges: each step reads the target state first
(bucket object, tag, GitHub release, asset), skips what is there and verified by checksum, and
does the rest. A journal in .plumbing/releases/<project>/<version>/ records each step; a re-run
of the same version resumes. The release log and the journal are uploaded next to the artifacts
on success and on failure; a failure opens (or comments) a GitHub issue.

nightly   vX.Y.Z-nightly.YYYYMMDD+<sha7> (X.Y.Z the next minor; spec.nightly.version), published
          as a prerelease, never Latest; nothing changed since the last nightly: exit 0.
          Locally without GITHUB_TOKEN it goes to the bucket only (the GitHub steps are planned
          and skipped, with a warning); in a clone without the remote, the remote-branch check
          is skipped with a warning.
full      --version vX.Y.Z from the release branch of its line (spec.releaseBranches); left as a
          draft for review unless --publish; Latest is set explicitly, never for an older line.

Options:
  --project NAME        releases/NAME.yaml (default: the only one there)
  --version vX.Y.Z      the version of a full release
  --commit REF          the commit to release (default HEAD)
  --dry-run             print the plan and stop (works offline; without GITHUB_TOKEN the GitHub
                        steps say what they would do)
  --exit-code           with --dry-run: exit 3 when the plan has changes pending
  --format FORMAT       text (default) or json: the plan as one JSON object
                        {version, previousVersion, commit, checks, steps, notes, ...}
  --backend NAME        local (default) or cluster (default when --context/--in-cluster is given)
  --context NAME        cluster backend: the kube context; must be a target in the config
  --in-cluster          cluster backend: run from inside the cluster (the nightly CronJob)
  --namespace NS        cluster backend: must be the target's namespace
  --github-token-secret NAME
                        cluster backend: the Secret (key token) bound as the pipeline's
                        github-token workspace (default plumbing-release-github-token)
  --bucket-credentials-secret NAME
                        cluster backend, gs:// or s3:// bucket: the Secret bound as
                        bucket-credentials (default: none, the pod's workload identity)
  --bucket URL          a guard: refuse unless it is the configured bucket
  --image-registry R    a guard: refuse unless it is the configured registry
  --publish             full: publish the draft (default: leave it for review)
  --with-tests          local backend: the release pipeline also installs and runs the
                        repository's tests (run-tests "true"; needs the npm registry). By
                        default it checks, builds and renders, and CI's green status on the
                        commit is the gate for the tests. The cluster backend always runs them.
  --offline             do not read GitHub even with GITHUB_TOKEN set
  --from-git URL        release from a fresh clone of URL (the nightly pod), not from a checkout
  --revision REV        with --from-git: the branch, tag or commit to check out (default main)
  --root DIR            repository root (default: nearest .plumbing.yaml or .git)
  -h, --help            show this help

Environment: GITHUB_TOKEN (never printed), GITHUB_API_URL (default https://api.github.com).

Exit codes: 0 released, nothing to do or nothing changed; 1 refused or failed; 2 usage error;
3 changes pending (--dry-run --exit-code); 130 cancelled.
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      project: { type: 'string' },
      version: { type: 'string' },
      commit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'exit-code': { type: 'boolean' },
      format: { type: 'string' },
      backend: { type: 'string' },
      context: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      namespace: { type: 'string' },
      'github-token-secret': { type: 'string' },
      'bucket-credentials-secret': { type: 'string' },
      bucket: { type: 'string' },
      'image-registry': { type: 'string' },
      publish: { type: 'boolean' },
      'with-tests': { type: 'boolean' },
      offline: { type: 'boolean' },
      'from-git': { type: 'string' },
      revision: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function releaseCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('release', () => parse(argv));
  const { values: v, positionals } = parsed;
  if (v.help) {
    io.stdout(RELEASE_HELP);
    return 0;
  }
  const kind = positionals[0];
  if (kind !== 'nightly' && kind !== 'full') throw new UsageError(kind === undefined ? 'plumbing release needs nightly or full' : `unknown release kind ${kind}: use nightly or full`, 'see plumbing release --help');
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]}`);
  if (kind === 'full' && !v.version) throw new UsageError('plumbing release full needs --version vX.Y.Z');
  if (kind === 'nightly' && v.version) throw new UsageError('a nightly computes its version: drop --version');
  if (kind === 'nightly' && v.publish) throw new UsageError('nightlies are always published as prereleases: drop --publish');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  if (v.backend !== undefined && v.backend !== 'local' && v.backend !== 'cluster') throw new UsageError(`unknown --backend ${v.backend}: use local or cluster`);
  if (v.context !== undefined && v['in-cluster']) throw new UsageError('--context and --in-cluster exclude each other');
  if (v['exit-code'] && !v['dry-run']) throw new UsageError('--exit-code goes with --dry-run');
  if (v.revision && !v['from-git']) throw new UsageError('--revision goes with --from-git');
  if (v.root && v['from-git']) throw new UsageError('--root and --from-git exclude each other');

  // Loaded here, not at start-up: the release package pulls in the GitHub and Kubernetes clients.
  const rel = await import('@plumbing/release');
  if (v['from-git']) {
    const dir = await mkdtemp(join(tmpdir(), 'plumbing-release-clone-'));
    try {
      const { cloneFull } = await import('@plumbing/git');
      await cloneFull(v['from-git'], v.revision ?? 'main', join(dir, 'repo'));
      return await release(rel, v, kind, format, join(dir, 'repo'), io);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return release(rel, v, kind, format, v.root ? resolve(io.cwd, v.root) : findRoot(io.cwd), io);
}

async function release(rel: typeof import('@plumbing/release'), v: ReturnType<typeof parse>['values'], kind: 'nightly' | 'full', format: string, root: string, io: Io): Promise<number> {
  const json = format === 'json';
  const { ctx, config } = rel.makeReleaseContext({
    root,
    env: io.env,
    project: v.project,
    // With --format json, stdout carries only the JSON object: progress goes to stderr.
    out: (line: string) => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`)),
    signal: io.signal,
    offline: v.offline,
    context: v.context,
    inCluster: v['in-cluster'],
    namespace: v.namespace,
    githubTokenSecret: v['github-token-secret'],
    bucketCredentialsSecret: v['bucket-credentials-secret'],
  });
  const backendName: 'local' | 'cluster' = v.backend === 'local' || v.backend === 'cluster' ? v.backend : v.context !== undefined || v['in-cluster'] ? 'cluster' : 'local';
  const request = {
    kind,
    project: config.project,
    version: v.version,
    commit: v.commit,
    backend: backendName,
    context: v.context,
    inCluster: v['in-cluster'],
    namespace: v.namespace,
    bucket: v.bucket,
    imageRegistry: v['image-registry'],
    publish: v.publish,
    withTests: v['with-tests'],
  } as const;
  const prepared = await rel.prepareRelease(ctx, request, { dryRun: v['dry-run'] === true });
  const { plan } = prepared;
  if (v['dry-run']) {
    io.stdout(json ? `${JSON.stringify(plan, null, 2)}\n` : rel.formatPlan(plan));
    if (plan.refused) return 1;
    return v['exit-code'] && plan.pending && !plan.noChange ? 3 : 0;
  }
  if (!json) io.stdout(rel.formatPlan(plan));
  if (plan.noChange || (!plan.pending && !plan.refused)) {
    // The plan said it ("nothing changed since the last nightly", "nothing to do"): nothing to apply.
    if (json) io.stdout(`${JSON.stringify({ ...plan, outcome: plan.noChange ? 'no-change' : 'nothing-to-do' }, null, 2)}\n`);
    return 0;
  }
  try {
    const outcome = await rel.applyRelease(ctx, prepared);
    if (json) io.stdout(`${JSON.stringify({ ...plan, outcome: outcome.status }, null, 2)}\n`);
    return 0;
  } catch (e) {
    if (json) io.stdout(`${JSON.stringify({ ...plan, outcome: 'failed', error: e instanceof Error ? rel.redact(e.message, ctx.secrets ?? []) : String(e) }, null, 2)}\n`);
    throw e;
  }
}
