import { PlumbingError } from '@plumbing/model';
import { NO_TOKEN } from './shared.js';
import type { StepDef, StepFactory } from './types.js';

/** Publishes the draft (nightlies as prereleases), with make_latest as planned. Only when the plan publishes. */
export const publishStep: StepFactory = (s, release) => {
  if (!s.publish) return [];
  const gh = s.github;
  const step: StepDef = {
      id: 'publish',
      kind: 'publish',
      target: `publish ${s.version}`,
      async inspect() {
        if (!gh) return { action: 'unknown', detail: `would publish ${s.version}${s.kind === 'nightly' ? ' as a prerelease' : ''} with make_latest ${s.makeLatest} (${NO_TOKEN})` };
        const r = await release.find();
        if (r && !r.draft) return { action: 'skip', detail: `${s.version} is published` };
        return { action: 'update', detail: `publish ${s.version}${s.kind === 'nightly' ? ' as a prerelease' : ''}, make_latest "${s.makeLatest}"` };
      },
      async apply() {
        const r = await release.find();
        if (!r) throw new PlumbingError('RELEASE_STATE', `release ${s.version} not found to publish`, { hint: 're-run: the release step creates it' });
        release.set(await gh!.updateRelease(r.id, { draft: false, prerelease: s.kind === 'nightly', makeLatest: s.makeLatest }));
        return `published ${s.version} (make_latest "${s.makeLatest}")`;
      },
    };
  return [step];
};
