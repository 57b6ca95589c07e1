import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryClient } from './registry-client.js';
import { loadRegistrySettings, registrySettingsFrom } from './settings.js';

describe('registry settings (.plumbing.yaml images:)', () => {
  it('reads mirrors and insecure registries; mirrors come before the registry, Docker Hub is spoken to at its API host', () => {
    const root = mkdtempSync(join(tmpdir(), 'oci-settings-'));
    writeFileSync(join(root, '.plumbing.yaml'), 'images:\n  mirrors:\n    docker.io: [mirror.lan:5000, mirror2.lan]\n  insecure: [registry.lan:5000]\n');
    const settings = loadRegistrySettings(root);
    expect(settings).toEqual({ mirrors: { 'docker.io': ['mirror.lan:5000', 'mirror2.lan'] }, insecure: ['registry.lan:5000'] });
    expect(new RegistryClient(settings, new Map()).endpoints('docker.io')).toEqual(['mirror.lan:5000', 'mirror2.lan', 'registry-1.docker.io']);
  });

  it('has no settings without the section, and refuses a malformed one', () => {
    expect(registrySettingsFrom({})).toEqual({ mirrors: {}, insecure: [] });
    expect(() => registrySettingsFrom({ images: { insecure: 'registry.lan' } })).toThrow(expect.objectContaining({ code: 'OCI_SETTINGS_INVALID' }));
    expect(() => registrySettingsFrom({ images: { mirrors: ['x'] } })).toThrow(expect.objectContaining({ code: 'OCI_SETTINGS_INVALID' }));
  });
});
