import { PlumbingError } from '@plumbing/model';
import { sha256 } from './bucket.js';
import type { ReleaseArtifactConfig } from './config.js';
import type { Git } from './git.js';

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
export async function buildArtifact(git: Git, sha: string, a: ReleaseArtifactConfig): Promise<BuiltArtifact> {
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
