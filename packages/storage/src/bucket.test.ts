import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileBucketDir, openBucket } from './bucket.js';
import { sha256 } from './types.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'plumbing-storage-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a file:// bucket', () => {
  it('puts, gets, stats, lists and deletes objects under a directory relative to the root', async () => {
    const b = openBucket('file://.plumbing/bucket', root);
    expect(b.reachable).toBe(true);
    expect(await b.get('p/nightly/v1/release.yaml')).toBeUndefined();
    expect(await b.list('p/nightly')).toEqual([]);
    await b.put('p/nightly/v2/release.yaml', 'kind: A\n');
    await b.put('p/nightly/v1/release.yaml', Buffer.from('kind: B\n'));
    expect(String(await b.get('p/nightly/v1/release.yaml'))).toBe('kind: B\n');
    expect(await b.stat('p/nightly/v2/release.yaml')).toEqual({ size: 8, sha256: sha256('kind: A\n') });
    expect(await b.exists('p/nightly/v2/release.yaml')).toBe(true);
    expect(await b.list('p/nightly')).toEqual(['v1', 'v2']);
    expect(await b.delete('p/nightly/v2/release.yaml')).toBe(true);
    expect(await b.delete('p/nightly/v2/release.yaml')).toBe(false);
    expect(await b.exists('p/nightly/v2/release.yaml')).toBe(false);
    expect(b.link('p/x')).toBe(join(root, '.plumbing', 'bucket', 'p', 'x'));
    expect(await readdir(join(root, '.plumbing', 'bucket', 'p', 'nightly', 'v1'))).toEqual(['release.yaml']);
  });

  it('refuses keys that leave the bucket', async () => {
    const b = openBucket(`file://${root}`, '/elsewhere');
    await expect(b.put('../x', 'no')).rejects.toMatchObject({ code: 'BUCKET' });
    expect(fileBucketDir(`file://${root}`, '/elsewhere')).toBe(root);
    expect(fileBucketDir('gs://b', root)).toBeUndefined();
  });
});

describe('gs:// and s3:// buckets', () => {
  it('give public links and refuse reads and writes from this process', async () => {
    const gs = openBucket('gs://releases/plumbing/', root);
    const s3 = openBucket('s3://releases', root);
    expect([gs.reachable, s3.reachable]).toEqual([false, false]);
    expect(gs.link('v1/release.yaml')).toBe('https://storage.googleapis.com/releases/plumbing/v1/release.yaml');
    expect(s3.link('v1/release.yaml')).toBe('https://releases.s3.amazonaws.com/v1/release.yaml');
    for (const call of [() => gs.get('k'), () => gs.put('k', 'x'), () => s3.list(''), () => s3.delete('k'), () => s3.exists('k')]) await expect(call()).rejects.toMatchObject({ code: 'BUCKET' });
  });

  it('refuses other URLs', () => {
    expect(() => openBucket('ftp://x', root)).toThrow(expect.objectContaining({ code: 'BUCKET' }));
  });
});
