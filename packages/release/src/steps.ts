import { PlumbingError } from '@plumbing/model';
import type { BuiltArtifact } from './artifacts.js';
import { type Bucket, sha256 } from './bucket.js';
import type { GitHubPort, ReleaseInfo } from './github.js';

export type StepKind = 'pipeline' | 'bucket' | 'tag' | 'release' | 'asset' | 'publish' | 'latest';
/** create/update/replace: changes; skip: there and verified; unknown: not readable from here (offline). */
export type StepAction = 'create' | 'update' | 'replace' | 'skip' | 'run' | 'unknown';

export interface Inspection {
  action: StepAction;
  detail: string;
}

/** One converge step: read the target state first, then do only what is missing. */
export interface StepDef {
  id: string;
  kind: StepKind;
  target: string;
  inspect(): Promise<Inspection>;
  /** Called only when inspect() asked for a change; returns what was done. */
  apply(): Promise<string>;
}

export interface StepsInput {
  version: string;
  commit: string;
  kind: 'nightly' | 'full';
  name: string;
  notes: string;
  makeLatest: 'true' | 'false';
  publish: boolean;
  artifacts: BuiltArtifact[];
  bucket: Bucket;
  bucketPrefix: string;
  /** Bucket keys (under the bucket) of the `latest/` copies, when this release is the latest. */
  latestPrefix: string | undefined;
  github: GitHubPort | undefined;
  /** The artifacts are uploaded by the release pipeline (cluster backend): only verify them. */
  pipelineUploads: boolean;
}

const NO_TOKEN = 'no GITHUB_TOKEN: GitHub not read';
const short = (s: string) => s.slice(0, 12);

/** The release on GitHub for a tag: searched among ALL releases (drafts first); published before drafts. */
export function pickRelease(all: readonly ReleaseInfo[], tag: string): { release: ReleaseInfo | undefined; duplicates: number } {
  const same = all.filter((r) => r.tagName === tag);
  const release = same.find((r) => !r.draft) ?? same[0];
  return { release, duplicates: Math.max(0, same.length - 1) };
}

export function buildSteps(s: StepsInput): StepDef[] {
  const steps: StepDef[] = [];
  const gh = s.github;
  let release: ReleaseInfo | undefined;
  let releaseLooked = false;
  const findRelease = async (): Promise<ReleaseInfo | undefined> => {
    if (!gh) return undefined;
    if (!releaseLooked || !release) {
      release = pickRelease(await gh.listReleases(), s.version).release;
      releaseLooked = true;
    }
    return release;
  };

  for (const a of s.artifacts) {
    const key = `${s.bucketPrefix}/${a.name}`;
    steps.push(bucketStep(`bucket:${a.name}`, key, a, s));
  }

  steps.push({
    id: 'tag',
    kind: 'tag',
    target: `refs/tags/${s.version}`,
    async inspect() {
      if (!gh) return { action: 'unknown', detail: `would create tag ${s.version} at ${short(s.commit)} unless it is there (${NO_TOKEN})` };
      const at = await gh.tagSha(s.version);
      if (at === undefined) return { action: 'create', detail: `create tag ${s.version} at ${short(s.commit)} (with the draft: a draft alone does not create its tag)` };
      if (at === s.commit) return { action: 'skip', detail: `tag ${s.version} is at ${short(s.commit)}` };
      throw new PlumbingError('RELEASE_TAG_CONFLICT', `tag ${s.version} is on ${short(at)}, not ${short(s.commit)}`, { hint: 'release the next version; a published tag is never moved' });
    },
    async apply() {
      try {
        await gh!.createTag(s.version, s.commit);
      } catch (e) {
        // Another run may have created it meanwhile: converge on what is there.
        if ((await gh!.tagSha(s.version)) !== s.commit) throw e;
      }
      return `created tag ${s.version} at ${short(s.commit)}`;
    },
  });

  steps.push({
    id: 'release',
    kind: 'release',
    target: `GitHub release ${s.version}`,
    async inspect() {
      if (!gh) return { action: 'unknown', detail: `would create a draft release ${s.version} unless one exists with this tag (${NO_TOKEN})` };
      const all = await gh.listReleases();
      const { release: r, duplicates } = pickRelease(all, s.version);
      release = r;
      releaseLooked = true;
      const dup = duplicates > 0 ? ` (${duplicates} more release(s) with this tag: delete them)` : '';
      if (!r) return { action: 'create', detail: `create draft release ${s.version} (${s.kind === 'nightly' ? 'prerelease, ' : ''}make_latest ${s.makeLatest})` };
      if (!r.draft) return { action: 'skip', detail: `release ${s.version} is published (id ${r.id}); its notes are left as they are${dup}` };
      if ((r.body ?? '') === s.notes && r.name === s.name) return { action: 'skip', detail: `draft ${s.version} exists (id ${r.id}) with these notes${dup}` };
      return { action: 'update', detail: `update the notes of draft ${s.version} (id ${r.id})${dup}` };
    },
    async apply() {
      if (release) {
        release = await gh!.updateRelease(release.id, { name: s.name, body: s.notes, makeLatest: s.makeLatest });
        return `updated draft ${s.version} (id ${release.id})`;
      }
      const mine = await gh!.createRelease({ tagName: s.version, targetCommitish: s.commit, name: s.name, body: s.notes, draft: true, prerelease: s.kind === 'nightly', makeLatest: s.makeLatest });
      // Two runs at once may both have found no draft: the lowest id wins, the other run deletes its own.
      const first = (await gh!.listReleases()).filter((r) => r.tagName === s.version && r.draft).sort((a, b) => a.id - b.id)[0];
      if (first && first.id < mine.id) {
        await gh!.deleteRelease(mine.id);
        release = (first.body ?? '') === s.notes && first.name === s.name ? first : await gh!.updateRelease(first.id, { name: s.name, body: s.notes, makeLatest: s.makeLatest });
        return `another run created draft ${s.version} (id ${first.id}) at the same time: kept it, deleted ours (id ${mine.id})`;
      }
      release = mine;
      return `created draft ${s.version} (id ${release.id})`;
    },
  });

  for (const a of s.artifacts) {
    let existing: { id: number } | undefined;
    steps.push({
      id: `asset:${a.name}`,
      kind: 'asset',
      target: `asset ${a.name}`,
      async inspect() {
        existing = undefined;
        if (!gh) return { action: 'unknown', detail: `would upload ${a.name} (sha256 ${short(a.sha256)}, ${a.data.length} bytes) unless it is there (${NO_TOKEN})` };
        const r = await findRelease();
        if (!r) return { action: 'create', detail: `upload ${a.name} (sha256 ${short(a.sha256)}, ${a.data.length} bytes) to the new draft` };
        const found = (await gh.listAssets(r.id)).find((x) => x.name === a.name);
        if (!found) return { action: 'create', detail: `upload ${a.name} (sha256 ${short(a.sha256)}, ${a.data.length} bytes)` };
        const same = found.size === a.data.length && (found.digest ? found.digest === `sha256:${a.sha256}` : sha256(await gh.downloadAsset(found.id)) === a.sha256);
        if (same) return { action: 'skip', detail: `${a.name} is there, checksum verified (sha256 ${short(a.sha256)})` };
        if (!r.draft) throw new PlumbingError('RELEASE_ASSET_MISMATCH', `asset ${a.name} of the published release ${s.version} differs from the build at ${short(s.commit)}`, { hint: 'a published release is never changed: release the next version' });
        existing = found;
        return { action: 'replace', detail: `replace ${a.name} on the draft (its checksum differs)` };
      },
      async apply() {
        const r = await findRelease();
        if (!r) throw new PlumbingError('RELEASE_STATE', `release ${s.version} not found for asset ${a.name}`, { hint: 're-run: the release step creates it' });
        if (existing) await gh!.deleteAsset(existing.id);
        await gh!.uploadAsset(r, a.name, a.data);
        return `uploaded ${a.name} (sha256 ${short(a.sha256)})`;
      },
    });
  }

  if (s.publish) {
    steps.push({
      id: 'publish',
      kind: 'publish',
      target: `publish ${s.version}`,
      async inspect() {
        if (!gh) return { action: 'unknown', detail: `would publish ${s.version}${s.kind === 'nightly' ? ' as a prerelease' : ''} with make_latest ${s.makeLatest} (${NO_TOKEN})` };
        const r = await findRelease();
        if (r && !r.draft) return { action: 'skip', detail: `${s.version} is published` };
        return { action: 'update', detail: `publish ${s.version}${s.kind === 'nightly' ? ' as a prerelease' : ''}, make_latest "${s.makeLatest}"` };
      },
      async apply() {
        const r = await findRelease();
        if (!r) throw new PlumbingError('RELEASE_STATE', `release ${s.version} not found to publish`, { hint: 're-run: the release step creates it' });
        release = await gh!.updateRelease(r.id, { draft: false, prerelease: s.kind === 'nightly', makeLatest: s.makeLatest });
        return `published ${s.version} (make_latest "${s.makeLatest}")`;
      },
    });
  }

  if (s.latestPrefix) for (const a of s.artifacts) steps.push(bucketStep(`latest:${a.name}`, `${s.latestPrefix}/${a.name}`, a, { ...s, pipelineUploads: false }, 'latest'));
  return steps;
}

function bucketStep(id: string, key: string, a: BuiltArtifact, s: StepsInput, kind: StepKind = 'bucket'): StepDef {
  return {
    id,
    kind,
    target: `${s.bucket.url.replace(/\/$/, '')}/${key}`,
    async inspect() {
      if (!s.bucket.reachable) {
        return { action: 'unknown', detail: s.pipelineUploads ? `uploaded by the release pipeline; ${s.bucket.url} is not readable from here` : `${s.bucket.url} is not writable from here` };
      }
      const st = await s.bucket.stat(key);
      if (s.pipelineUploads) {
        if (st) return { action: 'skip', detail: `the pipeline uploaded ${a.name} (sha256 ${short(st.sha256)})` };
        return { action: 'run', detail: `the release pipeline uploads ${a.name}` };
      }
      if (!st) return { action: 'create', detail: `upload ${a.name} (sha256 ${short(a.sha256)}, ${a.data.length} bytes)` };
      if (st.sha256 === a.sha256) return { action: 'skip', detail: `${a.name} is there, checksum verified (sha256 ${short(a.sha256)})` };
      if (kind === 'latest') return { action: 'replace', detail: `point latest/${a.name} at ${s.version}` };
      throw new PlumbingError('RELEASE_BUCKET_MISMATCH', `bucket object ${key} exists with another checksum (sha256 ${short(st.sha256)}, the build of ${short(s.commit)} is ${short(a.sha256)})`, {
        hint: 'artifacts of a version are immutable: release the next version (or delete the object if this version was never published)',
      });
    },
    async apply() {
      if (s.pipelineUploads) {
        throw new PlumbingError('RELEASE_STATE', `the release pipeline did not upload ${key}`, { hint: 'read the pipeline logs (uploaded next to the artifacts), fix, re-run' });
      }
      await s.bucket.put(key, a.data);
      const back = await s.bucket.stat(key);
      if (back?.sha256 !== a.sha256) throw new PlumbingError('RELEASE_BUCKET_MISMATCH', `bucket object ${key} reads back with another checksum`, { hint: 're-run' });
      return `uploaded ${key} (sha256 ${short(a.sha256)}, verified)`;
    },
  };
}
