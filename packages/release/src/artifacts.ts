import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { type Bucket, sha256 } from '@plumbing/storage';
import type { ReleaseArtifactConfig } from './config.js';
import type { Git } from '@plumbing/git';

export interface BuiltArtifact {
  name: string;
  data: Buffer;
  sha256: string;
  /** The repository files it was made of. */
  files: string[];
}

/**
 * An artifact as of `sha`: the YAML files under its paths, sorted, joined as one multi-document
 * YAML (the shape of a Tekton release.yaml). The same commit always gives the same bytes.
 */
export async function buildArtifact(git: Git, sha: string, a: ReleaseArtifactConfig & { paths: string[] }): Promise<BuiltArtifact> {
  const files = (await git.lsTree(sha, a.paths)).filter((f) => /\.ya?ml$/.test(f) && !f.split('/').includes('tests'));
  if (files.length === 0) throw new PlumbingError('RELEASE_ARTIFACT', `artifact ${a.name} has no YAML files under ${a.paths.join(', ')} at ${sha.slice(0, 7)}`, { hint: `fix spec.artifacts in the release config` });
  const parts: string[] = [];
  for (const f of files) {
    const text = String((await git.show(sha, f)) ?? '').replace(/\s+$/, '');
    parts.push(`# Source: ${f}\n${text.replace(/^---\n/, '')}\n`);
  }
  const data = Buffer.from(parts.join('---\n'));
  return { name: a.name, data, sha256: sha256(data), files };
}

/** One file of a release: a bucket object and a GitHub asset of that name. */
export interface ArtifactFile {
  name: string;
  data: Buffer;
  sha256: string;
}

/**
 * A configured artifact (spec.artifacts entry) and the files it stands for. `files()` is
 * undefined while they cannot be known here: the pipeline has not built them yet (local), or
 * they are in a bucket this process cannot read (cluster, s3:// and gs://).
 */
export interface ArtifactSource {
  /** The configured name: a file name, or a pattern with one `*` (`*.tgz`). */
  name: string;
  builtBy: 'pipeline' | 'tool';
  files(): Promise<ArtifactFile[] | undefined>;
}

/** Whether a file name matches a configured artifact name (one `*` matches any run of characters but /). */
export function matchesArtifact(pattern: string, name: string): boolean {
  if (name.includes('/')) return false;
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === name;
  const pre = pattern.slice(0, star);
  const post = pattern.slice(star + 1);
  return name.length >= pre.length + post.length && name.startsWith(pre) && name.endsWith(post);
}

const fileOf = (name: string, data: Buffer): ArtifactFile => ({ name, data, sha256: sha256(data) });

/** The tool-built artifact (paths) as a source: built once from the commit. */
export function toolArtifact(built: BuiltArtifact): ArtifactSource {
  return { name: built.name, builtBy: 'tool', files: async () => [fileOf(built.name, built.data)] };
}

/**
 * Checks a set of the pipeline's outputs against `checksums.txt` (when the list has it): every
 * listed file is there with that sha256 and nothing else is. Returns the problems ([] = verified).
 */
export function checksumProblems(files: readonly ArtifactFile[]): string[] {
  const sums = files.find((f) => f.name === 'checksums.txt');
  if (!sums) return [];
  const listed = new Map<string, string>();
  for (const line of String(sums.data).split('\n')) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(line.trim());
    if (m) listed.set(m[2]!, m[1]!);
  }
  const problems: string[] = [];
  for (const f of files) {
    if (f.name === 'checksums.txt') continue;
    const want = listed.get(f.name);
    if (want === undefined) problems.push(`${f.name} is not in checksums.txt`);
    else if (want !== f.sha256) problems.push(`${f.name} has sha256 ${f.sha256.slice(0, 12)}, checksums.txt says ${want.slice(0, 12)}`);
  }
  for (const name of listed.keys()) if (!files.some((f) => f.name === name)) problems.push(`${name} (in checksums.txt) is missing`);
  return problems;
}

/**
 * The files of every configured pipeline artifact among `all` (the pipeline's release/ directory,
 * or the bucket objects of the version): each artifact must match at least one file, and the set
 * must verify against checksums.txt. Throws RELEASE_ARTIFACT otherwise.
 */
export function selectOutputs(configured: readonly string[], all: readonly ArtifactFile[], where: string): Map<string, ArtifactFile[]> {
  const picked = new Map<string, ArtifactFile[]>();
  for (const name of configured) {
    const files = all.filter((f) => matchesArtifact(name, f.name)).sort((a, b) => a.name.localeCompare(b.name));
    if (files.length === 0) throw new PlumbingError('RELEASE_ARTIFACT', `the release pipeline built no ${name} (${where})`, { hint: 'the pipeline builds exactly spec.artifacts into release/: fix the config or the pipeline, re-run' });
    picked.set(name, files);
  }
  const problems = checksumProblems([...picked.values()].flat());
  if (problems.length) throw new PlumbingError('RELEASE_ARTIFACT', `the release pipeline's outputs do not verify (${where}): ${problems.join('; ')}`, { hint: 'a version\'s artifacts are immutable: rebuild (re-run) or release the next version' });
  return picked;
}

/** Reads the files of a directory (the pipeline's release/); undefined when it does not exist. */
export async function readOutputs(dir: string): Promise<ArtifactFile[] | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return Promise.all(names.sort().map(async (n) => fileOf(n, await readFile(join(dir, n)))));
}

/** Keeps the pipeline's release/ directory (local backend) where the converge steps read it. */
export async function keepOutputs(from: string, to: string): Promise<number> {
  await rm(to, { recursive: true, force: true });
  await mkdir(to, { recursive: true });
  const files = (await readOutputs(from)) ?? [];
  for (const f of files) await cp(join(from, f.name), join(to, f.name));
  return files.length;
}

/** The objects of a version in the bucket that are artifacts (not the journal, the log or the pipeline's logs/). */
export async function bucketOutputs(bucket: Bucket, prefix: string, configured: readonly string[]): Promise<ArtifactFile[]> {
  const names = (await bucket.list(prefix)).filter((n) => configured.some((c) => matchesArtifact(c, n)));
  const out: ArtifactFile[] = [];
  for (const n of names) {
    const data = await bucket.get(`${prefix}/${n}`);
    if (data) out.push(fileOf(n, data));
  }
  return out;
}
