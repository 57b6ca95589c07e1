// `plumbing run` with steps in their container images, pulled from a real registry on loopback
// (crane registry serve; a token-auth front speaking the distribution token protocol for the
// private repository), run under bubblewrap on an overlay of the image's root filesystem.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { busyboxLayer, compressLayer, pushAppImage, pushImage, startRegistry, tarLayer, startTokenAuthFront, type TestRegistry, type TokenAuthFront } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../io.js';
import { main } from '../main.js';

let registry: TestRegistry;
let front: TokenAuthFront;
const cache = mkdtempSync(join(tmpdir(), 'cli-run-images-cache-'));

beforeAll(async () => {
  registry = await startRegistry();
  await pushAppImage(registry.url, 'team/app', 'v1', { Env: ['GREETING=from-image', 'PATH=/bin'], WorkingDir: '/app', Entrypoint: ['/app/run.sh'], Cmd: ['default-arg'] });
  await pushAppImage(registry.url, 'team/app', 'user', { User: 'app', Env: ['PATH=/bin'] });
  await pushAppImage(registry.url, 'private/app', 'v1', { Env: ['PATH=/bin'] });
  const www = compressLayer(await tarLayer([{ path: 'www/' }, { path: 'www/index.html', content: 'served by the sidecar\n' }]));
  await pushImage({ registry: registry.url, repository: 'team/web', tag: 'v1', layers: [await busyboxLayer(), www], config: { Env: ['PATH=/bin'], Entrypoint: ['/bin/httpd', '-f', '-h', '/www'] } });
  front = await startTokenAuthFront({ upstream: registry.url, auth: { users: { alice: 's3cret' }, privateRepositories: ['private/app'] } });
});
afterAll(async () => {
  await front?.close();
  await registry?.stop();
});

function repo(yaml: string): { root: string; io: Io & { out: string; err: string } } {
  const root = mkdtempSync(join(tmpdir(), 'cli-run-images-'));
  mkdirSync(join(root, '.git'));
  writeFileSync(join(root, 'run.yaml'), yaml);
  const o = { out: '', err: '' } as Io & { out: string; err: string };
  Object.assign(o, {
    cwd: root,
    env: { PLUMBING_CACHE: cache, DOCKER_CONFIG: join(root, 'no-docker-config'), PATH: process.env.PATH, HOME: process.env.HOME },
    stdout: (s: string) => {
      o.out += s;
    },
    stderr: (s: string) => {
      o.err += s;
    },
    isTTY: false,
    signal: new AbortController().signal,
  });
  return { root, io: o };
}

const taskRun = (name: string, steps: string) => `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: ${name}
spec:
  taskSpec:
    results:
      - name: out
    steps:
${steps}`;

interface Status {
  sidecars?: { name: string; container: string; imageID?: string; terminated?: { exitCode: number; reason: string } }[];
  steps: { name: string; imageID?: string; terminated?: { exitCode: number; message?: string } }[];
  results?: { name: string; value: string }[];
}
const statusOf = (root: string, name: string) => JSON.parse(readFileSync(join(root, '.plumbing', 'runs', name, 'status.json'), 'utf8')) as Status;
const logOf = (root: string, name: string, step: string) => readFileSync(join(root, '.plumbing', 'runs', name, name, `${step}.log`), 'utf8');

describe('plumbing run with steps in pulled images', () => {
  it("runs a step without command by its image's Entrypoint and Cmd, with the image's Env and WorkingDir; scripts see the image as /", async () => {
    const image = `${registry.host}/team/app:v1`;
    const { root, io } = repo(
      taskRun(
        'in-image',
        `      - name: entry
        image: ${image}
      - name: script
        image: ${image}
        env:
          - name: FROM_STEP
            value: step-value
        script: |
          test ! -e /app/deleted-later
          echo "$GREETING $FROM_STEP $(pwd) $(cat /app/kept)"
          printf done > $(results.out.path)
`,
      ),
    );
    expect(await main(['run', '-f', 'run.yaml'], io)).toBe(0);
    expect(logOf(root, 'in-image', 'entry')).toBe('entrypoint ran with: default-arg\nGREETING=from-image\npwd=/app\nid=0:0\n');
    expect(logOf(root, 'in-image', 'script')).toBe('from-image step-value /app kept\n');
    const status = statusOf(root, 'in-image');
    expect(status.results).toEqual([{ name: 'out', type: 'string', value: 'done' }]);
    expect(status.steps.map((s) => s.imageID)).toEqual([expect.stringMatching(new RegExp(`^${registry.host}/team/app@sha256:[a-f0-9]{64}$`)), expect.stringMatching(/@sha256:/)]);
    expect(io.out).toMatch(/in-image\/entry running in 127\.0\.0\.1:\d+\/team\/app@sha256:[a-f0-9]{12} \((pulled|cached)\)/);
  });

  it("runs as the image's non-root User, with the layer's owners (run as root: kept); it writes its home, /workspace and its results, and a root step (an image without User, the same base layer) sees what it wrote and its home as 1000's", async () => {
    const image = `${registry.host}/team/app:user`;
    const steps = `      - name: whoami
        image: ${image}
        script: |
          id -u; id -g; touch $HOME/x && echo "$HOME writable"
          stat -c %u:%g $HOME $HOME/.profile $HOME/x /etc/passwd
          touch /etc/x 2>/dev/null || echo etc-refused
          echo hi > /workspace/by-app && printf ok > $(results.out.path)
      - name: as-root
        image: ${registry.host}/team/app:v1
        script: id -u; stat -c %u:%g /workspace/by-app /home/app
`;
    const { root, io } = repo(taskRun('as-user', steps));
    expect(await main(['run', '-f', 'run.yaml'], io)).toBe(0);
    expect(logOf(root, 'as-user', 'whoami')).toBe('1000\n1000\n/home/app writable\n1000:1000\n1000:1000\n1000:1000\n0:0\netc-refused\n');
    expect(logOf(root, 'as-user', 'as-root')).toBe('0\n1000:1000\n1000:1000\n');
    expect(statusOf(root, 'as-user').results).toEqual([{ name: 'out', type: 'string', value: 'ok' }]);
    expect(io.err).not.toMatch(/ownership is approximated/);
  });

  it('runs with the host tools under --images host (no imageID recorded)', async () => {
    const { root, io } = repo(taskRun('on-host', `      - name: host\n        image: ${registry.host}/team/app:v1\n        script: test -e /app/kept || echo no-image\n`));
    expect(await main(['run', '-f', 'run.yaml', '--images', 'host'], io)).toBe(0);
    expect(logOf(root, 'on-host', 'host')).toBe('no-image\n');
    expect(statusOf(root, 'on-host').steps[0]?.imageID).toBeUndefined();
  });

  it('fails a step whose private image is refused, saying which image, which registry and what to do; pulls it with credentials', async () => {
    const image = `${front.host}/private/app:v1`;
    const yaml = taskRun('private', `      - name: p\n        image: ${image}\n        script: echo inside\n`);
    const refused = repo(yaml);
    expect(await main(['run', '-f', 'run.yaml'], refused.io)).toBe(1);
    expect(logOf(refused.root, 'private', 'p')).toBe(
      `plumbing: registry ${front.host} refused manifest v1 of ${image} (HTTP 401): not authorized (log in (credentials for ${front.host} in ~/.docker/config.json or DOCKER_CONFIG), pass a docker-config Secret, or run with --images host)\n`,
    );
    const allowed = repo(yaml);
    const dockerConfig = join(allowed.root, 'docker');
    mkdirSync(dockerConfig);
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
    allowed.io.env.DOCKER_CONFIG = dockerConfig;
    expect(await main(['run', '-f', 'run.yaml'], allowed.io)).toBe(0);
    expect(logOf(allowed.root, 'private', 'p')).toBe('inside\n');
  });

  it("pulls with the docker-config Secrets of the TaskRun's ServiceAccount from the run's files, and only for that ServiceAccount", async () => {
    const image = `${front.host}/private/app:v1`;
    const dockerconfigjson = Buffer.from(JSON.stringify({ auths: { [front.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } })).toString('base64');
    const { root, io } = repo(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: builder
imagePullSecrets:
  - name: registry-login
---
apiVersion: v1
kind: Secret
metadata:
  name: registry-login
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${dockerconfigjson}
---
${taskRun('with-account', `      - name: p\n        image: ${image}\n        script: echo inside\n`).replace('spec:\n', 'spec:\n  serviceAccountName: builder\n')}
---
${taskRun('without-account', `      - name: p\n        image: ${image}\n        script: echo inside\n`)}`);
    expect(await main(['run', '-f', 'run.yaml'], io)).toBe(1);
    expect(logOf(root, 'with-account', 'p')).toBe('inside\n');
    expect(statusOf(root, 'with-account').steps[0]?.imageID).toMatch(/\/private\/app@sha256:/);
    expect(logOf(root, 'without-account', 'p')).toMatch(/^plumbing: registry .* refused manifest v1 of .* \(HTTP 401\)/);
  });

  it('keeps off the network with --offline: a cached image is used, an unknown one runs with host tools and a warning', async () => {
    const { root, io } = repo(
      taskRun('offline', `      - name: cached\n        image: ${registry.host}/team/app:v1\n        script: cat /app/kept\n      - name: unknown\n        image: ${registry.host}/team/never-pushed:v1\n        script: echo on-host\n`),
    );
    expect(await main(['run', '-f', 'run.yaml', '--offline'], io)).toBe(0);
    expect([logOf(root, 'offline', 'cached'), logOf(root, 'offline', 'unknown')]).toEqual(['kept', 'on-host\n']);
    expect(io.out).toContain(`warning: image ${registry.host}/team/never-pushed:v1: ${registry.host}/team/never-pushed:v1 is not in the image cache and --offline keeps off the network; its steps run with the host's tools`);
  });

  it('starts a sidecar from its image before the steps (a step reaches its HTTP server) and stops it after, with Tekton sidecar states', async () => {
    const port = await freePort();
    const yaml = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: with-sidecar
spec:
  taskSpec:
    sidecars:
      - name: web
        image: ${registry.host}/team/web:v1
        args: ['-p', '127.0.0.1:${port}']
        readinessProbe:
          httpGet:
            port: ${port}
    steps:
      - name: fetch
        image: ${registry.host}/team/app:v1
        script: wget -q -O - http://127.0.0.1:${port}/index.html
`;
    const { root, io } = repo(yaml);
    expect(await main(['run', '-f', 'run.yaml'], io)).toBe(0);
    expect(logOf(root, 'with-sidecar', 'fetch')).toBe('served by the sidecar\n');
    const sidecars = statusOf(root, 'with-sidecar').sidecars;
    expect(sidecars).toEqual([
      {
        name: 'web',
        container: 'sidecar-web',
        imageID: expect.stringMatching(new RegExp(`^${registry.host}/team/web@sha256:[a-f0-9]{64}$`)),
        terminated: { exitCode: 0, reason: 'Completed', startedAt: expect.any(String), finishedAt: expect.any(String) },
      },
    ]);
    // stopped: nothing listens any more
    expect(await listening(port)).toBe(false);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}
