// Shared set-up for the release tests: a real bare "remote" and a real clone made with git, a
// file:// bucket in a temp dir, and (where GitHub is needed) the local GitHub API server.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type CommitSpec, git, makeGitRepo, makeTempDir } from '@plumbing/test-utils';
import { Git } from '@plumbing/git';
import type { GitHubRepo } from '@plumbing/github';
import type { ReleaseContext } from '../src/types.js';

export const REPO = 'demo/demo';

export function releaseYaml(bucket: string, extra = ''): string {
  return `apiVersion: plumbing.dev/v1alpha1
kind: Release
metadata:
  name: demo
spec:
  project: demo
  pipeline: release
  bucket: ${bucket}
  imageRegistry: ghcr.io/demo
  repository: ${REPO}
  releaseBranches: release-v*
  targets:
    - name: dogfooding
      context: dogfooding
      namespace: tekton-ci
  nightly:
    schedule: "0 2 * * *"
  notes: releases/notes.md.tmpl
  artifacts:
    - name: release.yaml
      paths: [tasks]
${extra}`;
}

export const TASK = (name: string, version = '0.1') => `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/version: "${version}"
spec:
  steps:
    - name: main
      image: docker.io/library/alpine:3.20
      script: echo ${name}
`;

export const NOTES_TMPL = `# {{project}} {{version}}

{{changes}}

Previous: {{previousVersion}}
`;

export interface Fixture {
  /** The maintainer's clone (origin = the bare remote). */
  work: string;
  remote: string;
  bucket: string;
  shas: string[];
  tmp: string;
}

/** A bare remote made from `commits`, cloned into work/; the bucket is a temp dir (file://). */
export async function makeFixture(commits?: CommitSpec[], opts: { bucketUrl?: (bucketDir: string) => string } = {}): Promise<Fixture> {
  const tmp = await makeTempDir('plumbing-release-');
  const seed = join(tmp, 'seed');
  const remote = join(tmp, 'remote.git');
  const work = join(tmp, 'work');
  const bucket = join(tmp, 'bucket');
  const bucketUrl = opts.bucketUrl ? opts.bucketUrl(bucket) : `file://${bucket}`;
  const specs = commits ?? [
    {
      files: {
        '.gitignore': '.plumbing/\n',
        'releases/demo.yaml': releaseYaml(bucketUrl),
        'releases/notes.md.tmpl': NOTES_TMPL,
        'tasks/hello/0.1/hello.yaml': TASK('hello'),
      },
      message: 'initial',
    },
  ];
  await makeGitRepo(seed, specs);
  await git(tmp, ['clone', '--quiet', '--bare', seed, remote]);
  await git(tmp, ['clone', '--quiet', remote, work]);
  const shas = (await git(work, ['rev-list', '--reverse', 'HEAD'])).split('\n');
  return { work, remote, bucket, shas, tmp };
}

/** Adds commits in the clone and pushes them to origin/<branch>. Returns the new SHAs. */
export async function commitAndPush(f: Fixture, commits: CommitSpec[], branch = 'main'): Promise<string[]> {
  const shas = await makeGitRepo(f.work, commits);
  await git(f.work, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
  await git(f.work, ['fetch', '--quiet', 'origin']);
  return shas;
}

export function makeCtx(f: Fixture, github: GitHubRepo | undefined, over: Partial<ReleaseContext> = {}): ReleaseContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    root: f.work,
    git: new Git(f.work),
    github,
    now: () => new Date('2024-03-05T02:00:00Z'),
    out: (l) => lines.push(l),
    lines,
    ...over,
  };
}

/** spec.artifacts naming the release pipeline's build outputs (what pipelines/release builds into release/). */
export const PIPELINE_ARTIFACTS = `    - name: "*.tgz"
    - name: release.yaml
    - name: checksums.txt
`;

/** A release config whose artifacts are the pipeline's outputs (no paths). */
export function pipelineReleaseYaml(bucket: string, extra = ''): string {
  return releaseYaml(bucket, extra).replace('    - name: release.yaml\n      paths: [tasks]\n', PIPELINE_ARTIFACTS);
}

/** What the release pipeline leaves in release/ for a version: a packed package, release.yaml and checksums.txt over both. */
export function pipelineOutputs(version: string): { name: string; data: Buffer }[] {
  const files = [
    { name: 'demo-a-1.0.0.tgz', data: Buffer.from(`packed demo-a for ${version}\n`) },
    { name: 'release.yaml', data: Buffer.from(`# ${version}: the resources of clusters/dogfooding\nkind: Namespace\n`) },
  ];
  const sums = files.map((f) => `${createHash('sha256').update(f.data).digest('hex')}  ${f.name}\n`).join('');
  return [...files, { name: 'checksums.txt', data: Buffer.from(sums) }];
}
