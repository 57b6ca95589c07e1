import type { ArtifactFile } from '../artifacts.js';
import type { GitHubRepo, ReleaseInfo } from '@plumbing/github';
import type { ReleaseLookup } from './types.js';

export const NO_TOKEN = 'no GITHUB_TOKEN: GitHub not read';
export const short = (s: string) => s.slice(0, 12);

export const names = (files: readonly ArtifactFile[]) =>
  files.length === 1 ? `${files[0]!.name} (sha256 ${short(files[0]!.sha256)}, ${files[0]!.data.length} bytes)` : `${files.length} files: ${files.map((f) => f.name).join(', ')}`;

/** The release on GitHub for a tag: searched among ALL releases (drafts first); published before drafts. */
export function pickRelease(all: readonly ReleaseInfo[], tag: string): { release: ReleaseInfo | undefined; duplicates: number } {
  const same = all.filter((r) => r.tagName === tag);
  const release = same.find((r) => !r.draft) ?? same[0];
  return { release, duplicates: Math.max(0, same.length - 1) };
}

/** Reads the release of `version` when first asked (and again while there is none). */
export function releaseLookup(gh: GitHubRepo | undefined, version: string): ReleaseLookup {
  let release: ReleaseInfo | undefined;
  let looked = false;
  return {
    async find() {
      if (!gh) return undefined;
      if (!looked || !release) {
        release = pickRelease(await gh.listReleases(), version).release;
        looked = true;
      }
      return release;
    },
    current: () => release,
    set(r) {
      release = r;
      looked = true;
    },
  };
}
