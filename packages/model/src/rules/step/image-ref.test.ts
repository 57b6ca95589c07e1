import { describe, expect, it } from 'vitest';
import { CODES } from '../../check/codes.js';
import { checkYaml, only } from '../../test-helpers.js';
import { imageRefError, parseImageRef } from './image-ref.js';
import { taskYaml } from '../task/task-test-helpers.js';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function stepImage(image: string): string {
  return taskYaml`
    steps:
      - image: ${image}
  `;
}

describe('parseImageRef', () => {
  it('splits host, path, tag and digest', () => {
    expect(parseImageRef(`ghcr.io/org/tool:1.2@${DIGEST}`)).toEqual({ host: 'ghcr.io', path: 'org/tool', tag: '1.2', digest: DIGEST });
    expect(parseImageRef('localhost:5000/tool')).toEqual({ host: 'localhost:5000', path: 'tool', tag: undefined, digest: undefined });
    expect(parseImageRef('library/alpine:3.20')).toEqual({ host: undefined, path: 'library/alpine', tag: '3.20', digest: undefined });
  });
  it('explains malformed references', () => {
    expect(imageRefError('alpine:3.20')).toBeUndefined();
    expect(imageRefError('Alpine:3')).toContain('repository');
    expect(imageRefError('alpine@sha256:abc')).toContain('digest');
    expect(imageRefError('alpine:-x')).toContain('tag');
  });
});

describe('image-unpinned', () => {
  it('reports an image without tag at the image value', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine')), 'IMAGE_UNPINNED')).toEqual([{ code: 'IMAGE_UNPINNED', severity: 'warning', line: 7, column: 14 }]);
  });
  it('reports :latest', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine:latest')), 'IMAGE_UNPINNED')).toEqual([{ code: 'IMAGE_UNPINNED', severity: 'warning', line: 7, column: 14 }]);
  });
  it('accepts a version tag, a digest, and a param image', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine:3.20')), 'IMAGE_UNPINNED')).toEqual([]);
    expect(only(checkYaml(stepImage(`docker.io/library/alpine:latest@${DIGEST}`)), 'IMAGE_UNPINNED')).toEqual([]);
    const f = checkYaml(taskYaml`
      params: [{name: image}]
      steps: [{image: $(params.image)}]
    `);
    expect(only(f, 'IMAGE_UNPINNED')).toEqual([]);
  });
  it('checks sidecar and stepTemplate images', () => {
    const f = checkYaml(taskYaml`
      stepTemplate: {image: registry.example.com/a}
      steps: [{name: s}]
      sidecars: [{image: registry.example.com/b:1}]
    `);
    expect(only(f, 'IMAGE_UNPINNED')).toEqual([{ code: 'IMAGE_UNPINNED', severity: 'warning', line: 6, column: 25 }]);
  });
});

describe('image-invalid-reference', () => {
  it('reports a bad digest', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine@sha256:1234')), 'IMAGE_INVALID_REFERENCE')).toEqual([{ code: 'IMAGE_INVALID_REFERENCE', severity: 'error', line: 7, column: 14 }]);
  });
  it('reports a bad tag and upper case in the repository', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine:3.20!')), 'IMAGE_INVALID_REFERENCE')).toEqual([{ code: 'IMAGE_INVALID_REFERENCE', severity: 'error', line: 7, column: 14 }]);
    expect(only(checkYaml(stepImage('docker.io/Library/alpine:3')), 'IMAGE_INVALID_REFERENCE')).toEqual([{ code: 'IMAGE_INVALID_REFERENCE', severity: 'error', line: 7, column: 14 }]);
  });
  it('accepts a registry with a port and a full digest', () => {
    expect(only(checkYaml(stepImage(`registry.local:5000/team/tool_x:v1.0-rc.1@${DIGEST}`)), 'IMAGE_INVALID_REFERENCE')).toEqual([]);
  });
});

describe('image-not-fully-qualified and image-digest-without-tag', () => {
  it('reports an image without registry (info, warning under catalog)', () => {
    expect(only(checkYaml(stepImage('alpine:3.20')), 'IMAGE_NOT_FULLY_QUALIFIED')).toEqual([{ code: 'IMAGE_NOT_FULLY_QUALIFIED', severity: 'info', line: 7, column: 14 }]);
    expect(only(checkYaml(stepImage('alpine:3.20'), { profiles: ['catalog'] }), 'IMAGE_NOT_FULLY_QUALIFIED')).toEqual([
      { code: 'IMAGE_NOT_FULLY_QUALIFIED', severity: 'warning', line: 7, column: 14 },
    ]);
  });
  it('accepts a registry host', () => {
    expect(only(checkYaml(stepImage('docker.io/library/alpine:3.20')), 'IMAGE_NOT_FULLY_QUALIFIED')).toEqual([]);
  });
  it('reports a digest without tag', () => {
    expect(only(checkYaml(stepImage(`docker.io/library/alpine@${DIGEST}`)), 'IMAGE_DIGEST_WITHOUT_TAG')).toEqual([{ code: 'IMAGE_DIGEST_WITHOUT_TAG', severity: 'info', line: 7, column: 14 }]);
  });
  it('accepts a tag with the digest', () => {
    expect(only(checkYaml(stepImage(`docker.io/library/alpine:3.20@${DIGEST}`)), 'IMAGE_DIGEST_WITHOUT_TAG')).toEqual([]);
  });
});

describe('image references and Tekton', () => {
  it('are an error stricter than Tekton: the webhook accepts any image string (konflux build-definitions golden files use "@sha256:resolved")', () => {
    expect(CODES.IMAGE_INVALID_REFERENCE).toMatchObject({ severity: 'error', stricterThanTekton: expect.any(String) });
  });
});
