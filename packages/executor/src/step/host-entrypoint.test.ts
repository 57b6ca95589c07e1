import { lookupImageConfig } from '@plumbing/model';
import { describe, expect, it } from 'vitest';
import { hostEntrypointArgv, stepImageConfig, withImageDefaults } from './host-entrypoint.js';
import { HostTools } from './step-shell.js';

const tools = new HostTools();
const config = (image: string) => lookupImageConfig(image)!;

describe('hostEntrypointArgv', () => {
  it("follows Tekton's rule: Cmd with no Entrypoint (args after it), Entrypoint + Cmd only without args", async () => {
    expect(await hostEntrypointArgv(config('mirror.gcr.io/busybox@sha256:b325'), ['-c', 'echo hello'], tools)).toEqual(['sh', '-c', 'echo hello']);
    expect(await hostEntrypointArgv(config('ubuntu'), [], tools)).toEqual(['/bin/bash']);
    expect(await hostEntrypointArgv(config('alpine/git'), [], tools)).toEqual(['git', '--help']);
    expect(await hostEntrypointArgv(config('alpine/git'), ['version'], tools)).toEqual(['git', 'version']);
  });

  it("replaces an entrypoint script of the image by what it does (docker's bash: bash for options, else the command)", async () => {
    expect(await hostEntrypointArgv(config('bash:5'), ['echo', 'hi'], tools)).toEqual(['echo', 'hi']);
    expect(await hostEntrypointArgv(config('bash:5'), ['-c', 'echo hi'], tools)).toEqual(['bash', '-c', 'echo hi']);
    expect(await hostEntrypointArgv(config('bash:5'), [], tools)).toEqual(['bash']);
    // node's entrypoint also runs node when the first argument is not a command
    expect(await hostEntrypointArgv(config('node:20'), ['plumbing-no-such-command.js'], tools)).toEqual(['node', 'plumbing-no-such-command.js']);
    expect(await hostEntrypointArgv(config('node:20'), ['sh', '-c', 'true'], tools)).toEqual(['sh', '-c', 'true']);
  });
});

describe('stepImageConfig / withImageDefaults', () => {
  it('names the image and the .plumbing.yaml setting for an unknown image', () => {
    expect(stepImageConfig('registry.example.com/team/tool:1', undefined)).toEqual({
      unknown:
        'image "registry.example.com/team/tool:1" has no known entrypoint and the step has no command or script: add run.imageConfigs["registry.example.com/team/tool"] (entrypoint, cmd, workingDir, env) in .plumbing.yaml, give the step a command or a script, or run it in its pulled image (--images pull)',
    });
    expect(stepImageConfig('registry.example.com/team/tool:1', { 'registry.example.com/team/tool': { Entrypoint: ['tool'] } })).toEqual({ Entrypoint: ['tool'] });
  });

  it("adds the image's WorkingDir and Env where the step sets none, but not PATH nor paths of the image's own filesystem", () => {
    const c = { WorkingDir: '/git', Env: ['PATH=/x', 'LANG=C.UTF-8', 'CURL_CA_BUNDLE=/plumbing-no-such-file.pem', 'TMPDIR=/tmp', 'MINE=image'] };
    const s = withImageDefaults({ image: 'x', env: [{ name: 'MINE', value: 'step' }] }, c);
    expect(s.workingDir).toBe('/git');
    expect(s.env).toEqual([{ name: 'LANG', value: 'C.UTF-8' }, { name: 'TMPDIR', value: '/tmp' }, { name: 'MINE', value: 'step' }]);
    expect(withImageDefaults({ image: 'x', workingDir: '/src' }, c).workingDir).toBe('/src');
  });
});
