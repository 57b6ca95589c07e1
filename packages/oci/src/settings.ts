/**
 * Registry settings from `.plumbing.yaml`:
 *   images:
 *     mirrors:            # tried in order before the registry itself (pulls only)
 *       docker.io: [mirror.example.org:5000]
 *     insecure: [registry.lan:5000]   # spoken to over plain http (loopback always is)
 */
import { loadRepoConfig, PlumbingError } from '@plumbing/model';
import type { RegistrySettings } from './registry-client.js';

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) {
    throw new PlumbingError('OCI_SETTINGS_INVALID', `.plumbing.yaml: ${where} must be a list of registry hosts`);
  }
  return v as string[];
}

/** The `images` section of a loaded `.plumbing.yaml` (raw), checked. */
export function registrySettingsFrom(raw: Record<string, unknown>): RegistrySettings {
  const images = raw.images;
  if (images === undefined || images === null) return { mirrors: {}, insecure: [] };
  if (typeof images !== 'object' || Array.isArray(images)) throw new PlumbingError('OCI_SETTINGS_INVALID', '.plumbing.yaml: images must be a map');
  const { mirrors, insecure } = images as { mirrors?: unknown; insecure?: unknown };
  const out: { mirrors: Record<string, string[]>; insecure: string[] } = { mirrors: {}, insecure: insecure === undefined ? [] : strings(insecure, 'images.insecure') };
  if (mirrors !== undefined) {
    if (typeof mirrors !== 'object' || mirrors === null || Array.isArray(mirrors)) {
      throw new PlumbingError('OCI_SETTINGS_INVALID', '.plumbing.yaml: images.mirrors must map registries to lists of mirror hosts');
    }
    for (const [registry, hosts] of Object.entries(mirrors)) out.mirrors[registry] = strings(hosts, `images.mirrors["${registry}"]`);
  }
  return out;
}

/** Registry settings of the repository at `root` (none when it has no `.plumbing.yaml`). */
export function loadRegistrySettings(root: string): RegistrySettings {
  return registrySettingsFrom(loadRepoConfig(root).config.raw);
}
