import { PlumbingError } from '@plumbing/model';
import { sha256 } from '@plumbing/storage';
import { type ArtifactFile, type ArtifactSource, matchesArtifact } from '../artifacts.js';
import { NO_TOKEN, names, short } from './shared.js';
import type { ReleaseLookup, StepDef, StepFactory, StepsInput } from './types.js';

/** The asset(s) of one configured artifact on the release: by name, size and checksum. */
function assetStep(a: ArtifactSource, s: StepsInput, release: ReleaseLookup): StepDef {
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
      const r = await release.find();
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
      const r = await release.find();
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

/** One step per configured artifact: its asset(s) on the release. */
export const assetSteps: StepFactory = (s, release) => s.artifacts.map((a) => assetStep(a, s, release));
