import { PlumbingError } from '@plumbing/model';
import { type ArtifactFile, type ArtifactSource, matchesArtifact } from './artifacts.js';
import { type Bucket, sha256 } from './bucket.js';
import type { GitHubRepo, ReleaseInfo } from '@plumbing/github';

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
  /** spec.artifacts, each with the files it stands for (the one list: bucket objects and assets). */
  artifacts: ArtifactSource[];
  bucket: Bucket;
  bucketPrefix: string;
  /** Bucket keys (under the bucket) of the `latest/` copies, when this release is the latest. */
  latestPrefix: string | undefined;
  github: GitHubRepo | undefined;
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

  for (const a of s.artifacts) steps.push(bucketStep(`bucket:${a.name}`, s.bucketPrefix, a, s));

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

  // The draft holds exactly spec.artifacts: anything else (another build's asset, an asset of a
  // removed artifact) is deleted from a draft and refused on a published release.
  let unlisted: { id: number; name: string }[] = [];
  steps.push({
    id: 'assets:unlisted',
    kind: 'asset',
    target: `assets of ${s.version} not in spec.artifacts`,
    async inspect() {
      unlisted = [];
      if (!gh) return { action: 'unknown', detail: `would delete assets not in spec.artifacts from the draft (${NO_TOKEN})` };
      const r = await findRelease();
      if (!r) return { action: 'skip', detail: 'no release yet: nothing unlisted' };
      unlisted = (await gh.listAssets(r.id)).filter((x) => !s.artifacts.some((a) => matchesArtifact(a.name, x.name)));
      if (unlisted.length === 0) return { action: 'skip', detail: `every asset of ${s.version} is in spec.artifacts (${s.artifacts.map((a) => a.name).join(', ')})` };
      const names = unlisted.map((x) => x.name).join(', ');
      if (!r.draft) throw new PlumbingError('RELEASE_ASSET_MISMATCH', `the published release ${s.version} has assets not in spec.artifacts: ${names}`, { hint: 'a published release is never changed: release the next version' });
      return { action: 'update', detail: `delete ${unlisted.length} asset(s) not in spec.artifacts from the draft: ${names}` };
    },
    async apply() {
      for (const x of unlisted) await gh!.deleteAsset(x.id);
      return `deleted ${unlisted.map((x) => x.name).join(', ')} from the draft`;
    },
  });

  for (const a of s.artifacts) steps.push(assetStep(a, s, findRelease));

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

  if (s.latestPrefix) for (const a of s.artifacts) steps.push(bucketStep(`latest:${a.name}`, s.latestPrefix, a, { ...s, pipelineUploads: false }, 'latest'));
  return steps;
}

const names = (files: readonly ArtifactFile[]) => (files.length === 1 ? `${files[0]!.name} (sha256 ${short(files[0]!.sha256)}, ${files[0]!.data.length} bytes)` : `${files.length} files: ${files.map((f) => f.name).join(', ')}`);

/** The asset(s) of one configured artifact on the release: by name, size and checksum. */
function assetStep(a: ArtifactSource, s: StepsInput, findRelease: () => Promise<ReleaseInfo | undefined>): StepDef {
  const gh = s.github;
  let todo: { file: ArtifactFile; replace?: number }[] = [];
  let extra: { id: number; name: string }[] = [];
  return {
    id: `asset:${a.name}`,
    kind: 'asset',
    target: `asset ${a.name}`,
    async inspect() {
      todo = [];
      extra = [];
      const files = await a.files();
      const what = files ? names(files) : `${a.name} (built by the release pipeline)`;
      if (!gh) return { action: 'unknown', detail: `would upload ${what} unless it is there (${NO_TOKEN})` };
      const r = await findRelease();
      if (!r) return { action: 'create', detail: `upload ${what} to the new draft` };
      const assets = (await gh.listAssets(r.id)).filter((x) => matchesArtifact(a.name, x.name));
      if (!files) {
        // Cluster backend, s3:// or gs://: the pipeline's outputs are not readable from here; its draft task uploaded them.
        if (assets.length === 0) return { action: 'unknown', detail: `no ${a.name} on ${s.version}, and the pipeline's outputs in ${s.bucket.url} are not readable from this process` };
        return { action: 'skip', detail: `${assets.map((x) => x.name).join(', ')} on ${s.version} (uploaded by the pipeline; their bytes are not verified from this process: ${s.bucket.url} is not readable here)` };
      }
      for (const f of files) {
        const found = assets.find((x) => x.name === f.name);
        if (!found) todo.push({ file: f });
        else if (!(found.size === f.data.length && (found.digest ? found.digest === `sha256:${f.sha256}` : sha256(await gh.downloadAsset(found.id)) === f.sha256))) todo.push({ file: f, replace: found.id });
      }
      extra = assets.filter((x) => !files.some((f) => f.name === x.name));
      if (todo.length === 0 && extra.length === 0) return { action: 'skip', detail: `${names(files)} ${files.length === 1 ? 'is' : 'are'} there, checksum${files.length === 1 ? '' : 's'} verified` };
      if (!r.draft) throw new PlumbingError('RELEASE_ASSET_MISMATCH', `asset(s) ${a.name} of the published release ${s.version} differ from the build at ${short(s.commit)}: ${[...todo.map((t) => t.file.name), ...extra.map((x) => x.name)].join(', ')}`, { hint: 'a published release is never changed: release the next version' });
      const parts = [
        todo.some((t) => t.replace === undefined) && `upload ${todo.filter((t) => t.replace === undefined).map((t) => t.file.name).join(', ')}`,
        todo.some((t) => t.replace !== undefined) && `replace ${todo.filter((t) => t.replace !== undefined).map((t) => t.file.name).join(', ')} (checksum differs)`,
        extra.length > 0 && `delete ${extra.map((x) => x.name).join(', ')} (not in this build)`,
      ].filter(Boolean);
      return { action: todo.some((t) => t.replace !== undefined) || extra.length ? 'replace' : 'create', detail: parts.join('; ') };
    },
    async apply() {
      const r = await findRelease();
      if (!r) throw new PlumbingError('RELEASE_STATE', `release ${s.version} not found for asset ${a.name}`, { hint: 're-run: the release step creates it' });
      if (todo.length === 0 && extra.length === 0) throw new PlumbingError('RELEASE_STATE', `the files of ${a.name} are not known here`, { hint: 're-run: the pipeline step builds them' });
      for (const x of extra) await gh!.deleteAsset(x.id);
      for (const t of todo) {
        if (t.replace !== undefined) await gh!.deleteAsset(t.replace);
        await gh!.uploadAsset(r, t.file.name, t.file.data);
      }
      return `${todo.length ? `uploaded ${todo.map((t) => `${t.file.name} (sha256 ${short(t.file.sha256)})`).join(', ')}` : ''}${extra.length ? `${todo.length ? '; ' : ''}deleted ${extra.map((x) => x.name).join(', ')}` : ''}`;
    },
  };
}

/** The bucket object(s) of one configured artifact under `prefix`: by sha256, never overwritten (latest/ excepted). */
function bucketStep(id: string, prefix: string, a: ArtifactSource, s: StepsInput, kind: StepKind = 'bucket'): StepDef {
  let todo: ArtifactFile[] = [];
  return {
    id,
    kind,
    target: `${s.bucket.url.replace(/\/$/, '')}/${prefix}/${a.name}`,
    async inspect() {
      todo = [];
      if (!s.bucket.reachable) {
        return {
          action: 'unknown',
          detail: s.pipelineUploads ? `uploaded by the release pipeline to ${s.bucket.url}; NOT verified from this process (${s.bucket.url.split(':')[0]}:// is not readable here)` : `${s.bucket.url} is not writable from here`,
        };
      }
      const files = await a.files();
      if (s.pipelineUploads) {
        // Cluster backend, file:// bucket: a.files() reads the bucket; the pipeline must have uploaded them.
        if (!files || files.length === 0) return { action: 'run', detail: `the release pipeline uploads ${a.name}` };
        return { action: 'skip', detail: `the pipeline uploaded ${names(files)}, verified${a.name === 'checksums.txt' ? '' : ' against checksums.txt'}` };
      }
      if (!files) return { action: 'create', detail: `upload ${a.name} once the release pipeline has built it` };
      const conflicts: string[] = [];
      for (const f of files) {
        const st = await s.bucket.stat(`${prefix}/${f.name}`);
        if (!st) todo.push(f);
        else if (st.sha256 !== f.sha256) {
          if (kind === 'latest') todo.push(f);
          else conflicts.push(`${prefix}/${f.name} (sha256 ${short(st.sha256)}, the build of ${short(s.commit)} is ${short(f.sha256)})`);
        }
      }
      if (conflicts.length) {
        throw new PlumbingError('RELEASE_BUCKET_MISMATCH', `bucket object(s) exist with another checksum: ${conflicts.join(', ')}`, {
          hint: 'artifacts of a version are immutable: release the next version (or delete the object if this version was never published)',
        });
      }
      if (todo.length === 0) return { action: 'skip', detail: `${names(files)} ${files.length === 1 ? 'is' : 'are'} there, checksum${files.length === 1 ? '' : 's'} verified` };
      if (kind === 'latest') return { action: 'replace', detail: `point latest/ at ${s.version}: ${todo.map((f) => f.name).join(', ')}` };
      return { action: 'create', detail: `upload ${names(todo)}` };
    },
    async apply() {
      if (s.pipelineUploads) {
        throw new PlumbingError('RELEASE_STATE', `the release pipeline did not upload ${prefix}/${a.name}`, { hint: 'read the pipeline logs (uploaded next to the artifacts), fix, re-run' });
      }
      if (todo.length === 0) throw new PlumbingError('RELEASE_STATE', `the files of ${a.name} are not known here`, { hint: 're-run: the pipeline step builds them' });
      for (const f of todo) {
        const key = `${prefix}/${f.name}`;
        await s.bucket.put(key, f.data);
        const back = await s.bucket.stat(key);
        if (back?.sha256 !== f.sha256) throw new PlumbingError('RELEASE_BUCKET_MISMATCH', `bucket object ${key} reads back with another checksum`, { hint: 're-run' });
      }
      return `uploaded ${todo.map((f) => `${prefix}/${f.name} (sha256 ${short(f.sha256)})`).join(', ')}, verified`;
    },
  };
}
