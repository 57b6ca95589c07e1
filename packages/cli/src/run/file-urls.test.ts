import { describe, expect, it } from 'vitest';
import { fileUrlNotes } from './file-urls.js';

const run = (spec: unknown) => ({ kind: 'TaskRun', name: 'clone-local', resource: { spec } });

describe('fileUrlNotes', () => {
  it('explains each file:// URL of a sandboxed run once, naming where it is and the path the sandbox cannot see', () => {
    const spec = { params: [{ name: 'url', value: 'file:///home/me/repo' }, { name: 'mirror', value: 'file:///home/me/repo' }, { name: 'other', value: 'https://example.org/r.git' }] };
    const notes = fileUrlNotes([run(spec)], true);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.startsWith('TaskRun clone-local spec.params.0.value is file:///home/me/repo: steps run in a sandbox that does not see /home/me/repo')).toBe(true);
  });

  it('says nothing without the sandbox (the host path is visible) or without file:// URLs', () => {
    expect(fileUrlNotes([run({ params: [{ name: 'url', value: 'file:///home/me/repo' }] })], false)).toEqual([]);
    expect(fileUrlNotes([run({ params: [{ name: 'url', value: 'https://example.org/r.git' }] })], true)).toEqual([]);
  });
});
