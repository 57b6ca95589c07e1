import { describe, expect, it } from 'vitest';
import { imageConfigSetting, lookupImageConfig, normaliseImage, tektonEntrypoint } from './image-config.js';

describe('normaliseImage', () => {
  it('drops Docker Hub hosts, library/ and the digest, and splits the tag', () => {
    expect(normaliseImage('mirror.gcr.io/library/python:3.12@sha256:abc')).toEqual({ name: 'python', tag: '3.12' });
    expect(normaliseImage('docker.io/alpine/git')).toEqual({ name: 'alpine/git', tag: undefined });
    expect(normaliseImage('localhost:5000/tool:1')).toEqual({ name: 'localhost:5000/tool', tag: '1' });
  });
});

describe('lookupImageConfig', () => {
  it('finds the images of the examples and the catalog in every spelling', () => {
    expect(lookupImageConfig('mirror.gcr.io/bash@sha256:e320')?.Entrypoint).toEqual(['docker-entrypoint.sh']);
    expect(lookupImageConfig('docker.io/library/ubuntu:22.04')?.Cmd).toEqual(['/bin/bash']);
    expect(lookupImageConfig('registry.access.redhat.com/ubi8/ubi-minimal:8.9')?.Cmd).toEqual(['/bin/bash']);
    expect(lookupImageConfig('gcr.io/cloud-builders/git')?.Entrypoint).toEqual(['git']);
  });

  it('prefers a tag pattern (golang:*alpine*, distroless :debug) over the plain name', () => {
    expect(lookupImageConfig('golang:1.22-alpine')?.Cmd).toEqual(['/bin/sh']);
    expect(lookupImageConfig('golang:1.22')?.Cmd).toEqual(['bash']);
    expect(lookupImageConfig('gcr.io/distroless/base:debug-nonroot')?.Entrypoint).toEqual(['/busybox/sh']);
    expect(lookupImageConfig('gcr.io/distroless/base')?.Entrypoint).toBeUndefined();
  });

  it("uses the repository's own configs first, and knows nothing of other images", () => {
    expect(lookupImageConfig('alpine', { alpine: { Cmd: ['/bin/ash'] } })?.Cmd).toEqual(['/bin/ash']);
    expect(lookupImageConfig('registry.example.com/team/tool:1')).toBeUndefined();
    expect(imageConfigSetting('registry.example.com/team/tool:1')).toBe('run.imageConfigs["registry.example.com/team/tool"] (entrypoint, cmd, workingDir, env) in .plumbing.yaml');
  });
});

describe('tektonEntrypoint', () => {
  it("runs Entrypoint + Cmd without args, Entrypoint + args with args, and Cmd + args when there is no Entrypoint (imageInfo)", () => {
    const bash = { Entrypoint: ['docker-entrypoint.sh'], Cmd: ['bash'] };
    expect(tektonEntrypoint(bash, [])).toEqual(['docker-entrypoint.sh', 'bash']);
    expect(tektonEntrypoint(bash, ['echo', 'hi'])).toEqual(['docker-entrypoint.sh', 'echo', 'hi']);
    expect(tektonEntrypoint({ Cmd: ['/bin/bash'] }, ['-c', 'echo hi'])).toEqual(['/bin/bash', '-c', 'echo hi']);
  });
});
