import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'publish-to-bucket.yaml');
let root: string;

beforeAll(async () => {
  root = await makeTempDir('publish-to-bucket-test-');
});
afterAll(async () => {
  await removeTempDir(root);
});

async function files(dir: string, content: Record<string, string>): Promise<string> {
  for (const [f, c] of Object.entries(content)) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await writeFile(join(dir, f), c);
  }
  return dir;
}

async function bucket(name: string): Promise<string> {
  const dir = join(root, 'buckets', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out[p.slice(dir.length + 1)] = await readFile(p, 'utf8');
    }
  }
  return out;
}

describe('publish-to-bucket 0.1 on a file:// bucket', () => {
  it('uploads every file of source-path under path and reports the url and the count', async () => {
    const src = await files(join(root, 'src1'), { 'out/release.yaml': 'kind: List\n', 'out/nested/notes.md': '# v1\n', 'other.txt': 'no' });
    const b = await bucket('b1');
    const { run, code } = await runTask(TASK, { params: { 'bucket-url': 'file:///', path: 'plumbing/previous/v0.1.0', 'source-path': 'out' }, workspaces: { source: src, bucket: b } });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'url')).toBe('file:///plumbing/previous/v0.1.0');
    expect(result(run, 'objects')).toBe('2');
    expect(await tree(b)).toEqual({ 'plumbing/previous/v0.1.0/release.yaml': 'kind: List\n', 'plumbing/previous/v0.1.0/nested/notes.md': '# v1\n' });
  });

  it('never overwrites: when one object exists, nothing is uploaded and the run names it', async () => {
    const b = await bucket('b2');
    await files(b, { 'p/v1/release.yaml': 'old\n' });
    const src = await files(join(root, 'src2'), { 'a.txt': 'new a\n', 'release.yaml': 'new\n' });
    const { run, stderr } = await runTask(TASK, { params: { 'bucket-url': 'file:///', path: '/p/v1/' }, workspaces: { source: src, bucket: b } });
    expect(run.succeeded).toBe('False');
    expect(stderr).toContain('these objects already exist');
    expect(stderr).toContain('param overwrite is false; nothing was uploaded: p/v1/release.yaml');
    expect(await tree(b)).toEqual({ 'p/v1/release.yaml': 'old\n' });
  });

  it('overwrites when told to (the "latest" path)', async () => {
    const b = await bucket('b3');
    await files(b, { 'p/latest/release.yaml': 'old\n' });
    const src = await files(join(root, 'src3'), { 'release.yaml': 'new\n' });
    const { run } = await runTask(TASK, { params: { 'bucket-url': 'file:///', path: 'p/latest', overwrite: 'true' }, workspaces: { source: src, bucket: b } });
    expect(run.succeeded).toBe('True');
    expect(await tree(b)).toEqual({ 'p/latest/release.yaml': 'new\n' });
  });

  it('a dry run lists the uploads and writes nothing', async () => {
    const b = await bucket('b4');
    const src = await files(join(root, 'src4'), { 'release.yaml': 'x\n' });
    const { run, stderr } = await runTask(TASK, { params: { 'bucket-url': 'file:///', path: 'p/v1', 'dry-run': 'true' }, workspaces: { source: src, bucket: b } });
    expect(run.succeeded).toBe('True');
    expect(stderr).toContain('upload ./release.yaml -> file:///p/v1/release.yaml');
    expect(await tree(b)).toEqual({});
  });

  it('fails clearly on bad input', async () => {
    const src = await files(join(root, 'src5'), { 'a.txt': 'a' });
    await mkdir(join(src, 'empty'));
    const b = await bucket('b5');
    const cases: [Record<string, string>, string][] = [
      [{ 'bucket-url': 'http://bucket', path: 'p' }, 'param bucket-url must start with file:///, s3:// or gs://'],
      [{ 'bucket-url': 'file:///', path: '/' }, 'param path is empty'],
      [{ 'bucket-url': 'file:///', path: 'a/../b' }, 'must not contain . or .. segments'],
      [{ 'bucket-url': 'file:///missing', path: 'p' }, 'bucket file:///missing does not exist (no directory /missing in the bucket workspace)'],
      [{ 'bucket-url': 'file:///', path: 'p', 'source-path': 'empty' }, 'has no files to upload'],
      [{ 'bucket-url': 'file:///', path: 'p', overwrite: 'yes' }, 'param overwrite must be "true" or "false"'],
    ];
    for (const [params, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params, workspaces: { source: src, bucket: b } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
    expect(await tree(b)).toEqual({});
  });
});

describe('publish-to-bucket 0.1 on s3:// and gs:// (no cloud here: dry runs show the commands)', () => {
  it('gs:// runs gcloud storage cp --no-clobber, after activating the service account', async () => {
    const src = await files(join(root, 'src6'), { 'release.yaml': 'x\n' });
    const creds = await secretDir(root, 'gcs', { credentials: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----"}' });
    const { run, stderr } = await runTask(TASK, {
      params: { 'bucket-url': 'gs://tekton-releases', path: 'plumbing/previous/v0.2.0', 'dry-run': 'true' },
      workspaces: { source: src, credentials: creds },
    });
    expect(run.succeeded).toBe('True');
    expect(result(run, 'url')).toBe('gs://tekton-releases/plumbing/previous/v0.2.0');
    expect(stderr).toContain('+ gcloud auth activate-service-account --key-file credentials');
    expect(stderr).toMatch(/\+ gcloud storage cp --recursive --no-clobber \S+\/\. gs:\/\/tekton-releases\/plumbing\/previous\/v0\.2\.0\//);
  });

  it('s3:// runs aws s3 cp, and names a credentials file that is not one', async () => {
    const src = await files(join(root, 'src7'), { 'release.yaml': 'x\n' });
    const { run, stderr } = await runTask(TASK, { params: { 'bucket-url': 's3://releases/prefix', path: 'p/v1', 'dry-run': 'true' }, workspaces: { source: src } });
    expect(run.succeeded).toBe('True');
    expect(stderr).toMatch(/\+ aws s3 cp --recursive --only-show-errors \S+ s3:\/\/releases\/prefix\/p\/v1\//);
    const bad = await secretDir(root, 'aws-bad', { credentials: 'token=abc' });
    const r2 = await runTask(TASK, { params: { 'bucket-url': 's3://releases', path: 'p', 'dry-run': 'true' }, workspaces: { source: src, credentials: bad } });
    expect(r2.run.succeeded).toBe('False');
    expect(r2.stderr).toContain('workspace credentials: credentials is not an AWS credentials file');
  });
});
