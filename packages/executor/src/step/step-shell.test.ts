import { describe, expect, it } from 'vitest';
import { HostTools, imageBaseName, imageFamily, parseShebang, resolveInterpreter } from './step-shell.js';

describe('images', () => {
  it('names the image without registry, tag or digest', () => {
    expect(imageBaseName('docker.io/library/alpine:3.19@sha256:abc')).toBe('alpine');
    expect(imageBaseName('localhost:5000/team/tool')).toBe('tool');
  });
  it('gives the /bin/sh family of an image', () => {
    expect(['alpine', 'busybox:1.36', 'bash:5', 'node:20-alpine', 'ubuntu', 'fedora:40', 'golang'].map(imageFamily)).toEqual(['busybox', 'busybox', 'busybox', 'busybox', 'debian', 'bash-sh', 'other']);
  });
});

describe('shebangs', () => {
  it('parses the interpreter and its args', () => {
    expect(parseShebang('\n  #!/usr/bin/env python3\nprint(1)')).toEqual({ interp: '/usr/bin/env', args: ['python3'] });
    expect(parseShebang('echo hi')).toBeUndefined();
  });
  it('maps sh to busybox sh in busybox images, ash anywhere, bash to bash, env tools by name', async () => {
    const tools = new HostTools();
    expect(await resolveInterpreter(tools, 'busybox', '/bin/sh', [])).toMatchObject({ argv: [expect.stringMatching(/busybox$/), 'sh'] });
    expect(await resolveInterpreter(tools, 'debian', '/bin/ash', [])).toMatchObject({ argv: [expect.stringMatching(/busybox$/), 'ash'] });
    expect(await resolveInterpreter(tools, 'debian', '/bin/sh', [])).toMatchObject({ argv: ['/bin/sh'] });
    expect(await resolveInterpreter(tools, 'bash-sh', '/bin/sh', [])).toMatchObject({ argv: [expect.stringMatching(/bash$/)] });
    expect(await resolveInterpreter(tools, 'busybox', '/bin/bash', ['-e'])).toMatchObject({ argv: ['/bin/bash', '-e'] });
    expect(await resolveInterpreter(tools, 'other', '/usr/bin/env', ['plumbing-missing-tool'])).toEqual({ missing: 'plumbing-missing-tool', shown: 'plumbing-missing-tool' });
  });
});
