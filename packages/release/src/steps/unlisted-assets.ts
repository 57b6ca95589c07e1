import { PlumbingError } from '@plumbing/model';
import { matchesArtifact } from '../artifacts.js';
import { NO_TOKEN } from './shared.js';
import type { StepDef, StepFactory } from './types.js';

/**
 * The draft holds exactly spec.artifacts: anything else (another build's asset, an asset of a
 * removed artifact) is deleted from a draft and refused on a published release.
 */
export const unlistedAssetsStep: StepFactory = (s, release) => {
  const gh = s.github;
  let unlisted: { id: number; name: string }[] = [];
  const step: StepDef = {
    id: 'assets:unlisted',
    kind: 'asset',
    target: `assets of ${s.version} not in spec.artifacts`,
    async inspect() {
      unlisted = [];
      if (!gh) return { action: 'unknown', detail: `would delete assets not in spec.artifacts from the draft (${NO_TOKEN})` };
      const r = await release.find();
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
  };
  return [step];
};
