import { PlumbingError } from '@plumbing/model';
import type { ArtifactFile, ArtifactSource } from '../artifacts.js';
import type { StepKind } from '../types.js';
import { names, short } from './shared.js';
import type { StepDef, StepFactory, StepsInput } from './types.js';

/** The bucket object(s) of one configured artifact under `prefix`: by sha256, never overwritten (latest/ excepted). */
export function bucketStep(id: string, prefix: string, a: ArtifactSource, s: StepsInput, kind: StepKind = 'bucket'): StepDef {
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

/** One step per configured artifact: its object(s) under the version's prefix in the bucket. */
export const bucketSteps: StepFactory = (s) => s.artifacts.map((a) => bucketStep(`bucket:${a.name}`, s.bucketPrefix, a, s));
