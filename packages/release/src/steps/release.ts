import { NO_TOKEN, pickRelease } from './shared.js';
import type { StepDef, StepFactory } from './types.js';

/** The draft release of the version with the notes: created once (the lowest id wins a race), its notes kept up to date while a draft. */
export const releaseStep: StepFactory = (s, release) => {
  const gh = s.github;
  const step: StepDef = {
    id: 'release',
    kind: 'release',
    target: `GitHub release ${s.version}`,
    async inspect() {
      if (!gh) return { action: 'unknown', detail: `would create a draft release ${s.version} unless one exists with this tag (${NO_TOKEN})` };
      const all = await gh.listReleases();
      const { release: r, duplicates } = pickRelease(all, s.version);
      release.set(r);
      const dup = duplicates > 0 ? ` (${duplicates} more release(s) with this tag: delete them)` : '';
      if (!r) return { action: 'create', detail: `create draft release ${s.version} (${s.kind === 'nightly' ? 'prerelease, ' : ''}make_latest ${s.makeLatest})` };
      if (!r.draft) return { action: 'skip', detail: `release ${s.version} is published (id ${r.id}); its notes are left as they are${dup}` };
      if ((r.body ?? '') === s.notes && r.name === s.name) return { action: 'skip', detail: `draft ${s.version} exists (id ${r.id}) with these notes${dup}` };
      return { action: 'update', detail: `update the notes of draft ${s.version} (id ${r.id})${dup}` };
    },
    async apply() {
      const known = release.current();
      if (known) {
        const updated = await gh!.updateRelease(known.id, { name: s.name, body: s.notes, makeLatest: s.makeLatest });
        release.set(updated);
        return `updated draft ${s.version} (id ${updated.id})`;
      }
      const mine = await gh!.createRelease({ tagName: s.version, targetCommitish: s.commit, name: s.name, body: s.notes, draft: true, prerelease: s.kind === 'nightly', makeLatest: s.makeLatest });
      // Two runs at once may both have found no draft: the lowest id wins, the other run deletes its own.
      const first = (await gh!.listReleases()).filter((r) => r.tagName === s.version && r.draft).sort((a, b) => a.id - b.id)[0];
      if (first && first.id < mine.id) {
        await gh!.deleteRelease(mine.id);
        release.set((first.body ?? '') === s.notes && first.name === s.name ? first : await gh!.updateRelease(first.id, { name: s.name, body: s.notes, makeLatest: s.makeLatest }));
        return `another run created draft ${s.version} (id ${first.id}) at the same time: kept it, deleted ours (id ${mine.id})`;
      }
      release.set(mine);
      return `created draft ${s.version} (id ${mine.id})`;
    },
  };
  return [step];
};
