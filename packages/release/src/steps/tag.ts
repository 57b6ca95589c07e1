import { PlumbingError } from '@plumbing/model';
import { NO_TOKEN, short } from './shared.js';
import type { StepDef, StepFactory } from './types.js';

/** The tag of the version at the commit: created once, never moved. */
export const tagStep: StepFactory = (s) => {
  const gh = s.github;
  const step: StepDef = {
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
  };
  return [step];
};
