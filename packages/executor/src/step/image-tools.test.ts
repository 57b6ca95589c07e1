import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageTool, TaskRunRequest } from '../contracts.js';
import { imageName, imageToolFor, PLUMBING_IMAGE, runningCliTool } from './image-tools.js';
import { detectSandbox } from './sandbox.js';
import { executeTaskRun } from '../taskrun/task-run.js';

describe('imageName', () => {
  it('drops the tag and the digest, not a registry port', () => {
    expect([imageName('ghcr.io/plumbing-dev/plumbing:0.1.0'), imageName('ghcr.io/plumbing-dev/plumbing@sha256:abc'), imageName('localhost:5000/x'), imageName('alpine')]).toEqual([
      'ghcr.io/plumbing-dev/plumbing',
      'ghcr.io/plumbing-dev/plumbing',
      'localhost:5000/x',
      'alpine',
    ]);
  });
});

describe('runningCliTool', () => {
  it('is the running CLI only when this process is the plumbing CLI', () => {
    expect(runningCliTool('/repo/node_modules/vitest/vitest.mjs')).toBeUndefined();
    const t = runningCliTool('/repo/packages/cli/bin/plumbing.js', '/usr/bin/node');
    expect(t).toMatchObject({ image: PLUMBING_IMAGE, mounts: ['/repo'] });
    expect(readFileSync(join(t!.binDir, 'plumbing'), 'utf8')).toBe(`#!/bin/sh\nexec '/usr/bin/node' '/repo/packages/cli/bin/plumbing.js' "$@"\n`);
    expect(imageToolFor([t!], 'ghcr.io/plumbing-dev/plumbing:0.1.0')).toBe(t);
    expect(imageToolFor([t!], 'docker.io/library/alpine:3.20')).toBeUndefined();
  });

  it('follows the node_modules/.bin link that npx runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-link-'));
    mkdirSync(join(dir, 'packages', 'cli', 'bin'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'packages', 'cli', 'bin', 'plumbing.js'), '');
    symlinkSync('../../packages/cli/bin/plumbing.js', join(dir, 'node_modules', '.bin', 'plumbing'));
    expect(runningCliTool(join(dir, 'node_modules', '.bin', 'plumbing'), '/usr/bin/node')).toMatchObject({ mounts: [realpathSync(dir)] });
  });
});

const sandboxAvailable = (await detectSandbox()).available;

describe('image tools in steps (real processes)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'image-tools-'));
  const binDir = join(tmp, 'bin');
  const dataDir = join(tmp, 'data');
  mkdirSync(binDir);
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'greeting'), 'hello from the image');
  writeFileSync(join(binDir, 'image-tool'), `#!/bin/sh\ncat '${join(dataDir, 'greeting')}'\n`);
  chmodSync(join(binDir, 'image-tool'), 0o755);
  const tool: ImageTool = { image: 'example.com/tooling', binDir, mounts: [dataDir] };

  const request = (name: string, image: string): TaskRunRequest => ({
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    spec: {
      results: [{ name: 'out' }],
      steps: [
        { name: 'script', image, script: '#!/bin/sh\nset -e\nimage-tool > "$(results.out.path)"' },
        { name: 'command', image, command: ['image-tool'] },
      ],
    },
    params: [],
    workspaces: [],
    retryCount: 0,
    labels: {},
    annotations: {},
    logDir: join(tmp, 'logs', name),
    signal: new AbortController().signal,
  });

  for (const sandbox of sandboxAvailable ? [true, false] : [false]) {
    it(`gives a step of that image its tool, by PATH and as a command (${sandbox ? 'bubblewrap' : 'no sandbox'})`, async () => {
      const st = await executeTaskRun(request(`with-${sandbox}`, 'example.com/tooling:1.2@sha256:0123'), { sandbox, imageTools: [tool] });
      expect(st.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
      expect(st.results).toEqual([{ name: 'out', type: 'string', value: 'hello from the image' }]);
    });

    it(`does not give it to a step of another image (${sandbox ? 'bubblewrap' : 'no sandbox'})`, async () => {
      const st = await executeTaskRun(request(`without-${sandbox}`, 'docker.io/library/alpine:3.20'), { sandbox, imageTools: [tool] });
      expect(st.conditions[0]).toMatchObject({ status: 'False' });
      expect(st.steps[0]?.terminated?.exitCode).toBe(127);
    });
  }
});
