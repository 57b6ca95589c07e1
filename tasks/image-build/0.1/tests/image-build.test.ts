import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { result, runTask, secretDir } from '@plumbing/test-utils';

const TASK = join(import.meta.dirname, '..', 'image-build.yaml');
let root: string;
let src: string;

beforeAll(async () => {
  root = await makeTempDir('image-build-test-');
  src = join(root, 'src');
  for (const [f, c] of Object.entries({ 'app/Dockerfile': 'FROM alpine:3.20\nARG V\nRUN echo $V\n', 'app/build/Containerfile': 'FROM scratch\n', 'notes/Dockerfile': '# no FROM here\n' })) {
    await mkdir(dirname(join(src, f)), { recursive: true });
    await writeFile(join(src, f), c);
  }
});
afterAll(async () => {
  await removeTempDir(root);
});

const auth = (host: string) => JSON.stringify({ auths: { [host]: { auth: Buffer.from('bot:token-123').toString('base64') } } });

describe('image-build 0.1 (kaniko needs a cluster: dry runs check everything up to the kaniko command line)', () => {
  it('prints the kaniko command line with build args and extra args, and reports IMAGE_URL', async () => {
    const creds = await secretDir(root, 'ghcr', { '.dockerconfigjson': auth('ghcr.io') });
    const { run, code, stderr } = await runTask(TASK, {
      params: { image: 'ghcr.io/org/app:v1', context: 'app', 'dry-run': 'true', 'build-args': ['V=1', 'MSG=a b'], 'extra-args': ['--cache=true'] },
      workspaces: { source: src, dockerconfig: creds },
    });
    expect(code).toBe(0);
    expect(run.succeeded).toBe('True');
    expect(result(run, 'IMAGE_URL')).toBe('ghcr.io/org/app:v1');
    expect(result(run, 'IMAGE_DIGEST')).toBe('');
    expect(stderr).toContain('credentials for ghcr.io found in .dockerconfigjson');
    expect(stderr).toContain(
      'image-build: dry run: /kaniko/executor --dockerfile=/workspace/source/app/Dockerfile --context=dir:///workspace/source/app --destination=ghcr.io/org/app:v1 --digest-file=/tekton/results/IMAGE_DIGEST --build-arg=V=1 --build-arg=MSG=a b --cache=true',
    );
    expect(stderr).not.toContain('token-123');
  });

  it('takes another Dockerfile name and Docker Hub credentials for a short image name', async () => {
    const creds = await secretDir(root, 'hub', { 'config.json': auth('https://index.docker.io/v1/') });
    const { run, stderr } = await runTask(TASK, { params: { image: 'org/app:dev', context: 'app', dockerfile: 'build/Containerfile', 'dry-run': 'true' }, workspaces: { source: src, dockerconfig: creds } });
    expect(run.succeeded).toBe('True');
    expect(stderr).toContain('--dockerfile=/workspace/source/app/build/Containerfile');
    expect(stderr).toContain('credentials for index.docker.io found in config.json');
  });

  it('says which registry credential is wrong or missing (seed 004)', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ '.dockercfg': '{}' }, 'has neither config.json nor .dockerconfigjson (it has: .dockercfg) (.dockercfg is the legacy format'],
      [{ 'config.json': '{auths' }, 'config.json is not JSON'],
      [{ 'config.json': auth('quay.io') }, 'has credentials for: quay.io; none for ghcr.io, the registry of param image'],
      [{ 'config.json': JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('token-only').toString('base64') } } }) }, 'the "auth" of ghcr.io is not base64 of user:password'],
      [{ 'config.json': JSON.stringify({ auths: { 'ghcr.io': {} } }) }, 'the entry of ghcr.io has no auth'],
    ];
    let i = 0;
    for (const [files, message] of cases) {
      const creds = await secretDir(root, `bad-${i++}`, files);
      const { run, stderr } = await runTask(TASK, { params: { image: 'ghcr.io/org/app:v1', context: 'app', 'dry-run': 'true' }, workspaces: { source: src, dockerconfig: creds } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
      expect(stderr).not.toContain('/kaniko/executor');
    }
  });

  it('refuses bad params before building: image reference, context, Dockerfile, build args', async () => {
    const cases: [Record<string, string | string[]>, string][] = [
      [{ image: 'GHCR.io/Org/App:v1' }, 'is not an image reference'],
      [{ image: `ghcr.io/org/app@sha256:${'a'.repeat(64)}` }, 'has a digest; give a tag to push to'],
      [{ context: 'missing' }, 'param context: directory "missing" does not exist'],
      [{ context: 'app', dockerfile: 'Nope' }, 'param dockerfile: no "Nope" in the context "app"'],
      [{ context: 'notes' }, '"Dockerfile" has no FROM instruction'],
      [{ context: '../etc' }, 'must stay inside the source workspace'],
      [{ context: 'app', 'build-args': ['novalue'] }, 'param build-args: "novalue" is not NAME=value'],
      [{ context: 'app', 'dry-run': 'maybe' }, 'param dry-run must be "true" or "false"'],
    ];
    for (const [p, message] of cases) {
      const { run, stderr } = await runTask(TASK, { params: { image: 'ghcr.io/org/app:v1', 'dry-run': 'true', ...p }, workspaces: { source: src } });
      expect(run.succeeded).toBe('False');
      expect(stderr).toContain(message);
    }
  });
});
