/**
 * What a step without `command` starts (docs/tekton-semantics.md §4.2): Tekton's entrypoint rule
 * over an image's config (`pkg/pod/entrypoint_lookup_impl.go` imageInfo), and, for running with
 * the host's tools (`plumbing run --images host`), the configs of the images Tekton's examples
 * and the catalog use (image-configs.json, shipped with the project) plus the repository's own
 * (`run.imageConfigs` in .plumbing.yaml). A pulled image's real config is read by packages/oci.
 */
import { readFileSync } from 'node:fs';

/** What the host does for an Entrypoint that is a script inside the image (image-configs.json `$comment`). */
export interface HostEntrypoint {
  argv: string[];
  prepend?: string[];
  when?: 'option' | 'option-or-not-command';
}

/** An image config as `docker inspect` shows it (Env as `NAME=value`). */
export interface ImageConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Env?: string[];
  HostEntrypoint?: HostEntrypoint;
}

let builtin: Readonly<Record<string, ImageConfig>> | undefined;

/** The shipped table (read once). */
export function builtinImageConfigs(): Readonly<Record<string, ImageConfig>> {
  builtin ??= (JSON.parse(readFileSync(new URL('./image-configs.json', import.meta.url), 'utf8')) as { images: Record<string, ImageConfig> }).images;
  return builtin;
}

const DOCKER_HUB = /^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io|mirror\.gcr\.io)\//;

/**
 * An image reference as the table keys it: lowercase, Docker Hub hosts and `library/` dropped,
 * tag and digest split off. `mirror.gcr.io/library/python:3.12@sha256:…` → `{ name: 'python', tag: '3.12' }`.
 */
export function normaliseImage(image: string): { name: string; tag: string | undefined } {
  let s = image.trim().split('@')[0]!;
  let tag: string | undefined;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) {
    tag = s.slice(colon + 1);
    s = s.slice(0, colon);
  }
  let name = s.toLowerCase().replace(DOCKER_HUB, '');
  if (name.startsWith('library/')) name = name.slice('library/'.length);
  return { name, tag };
}

function globMatch(pattern: string, text: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(text);
}

function longestPattern(keys: readonly string[], text: string): string | undefined {
  return keys.filter((k) => globMatch(k, text)).sort((a, b) => b.replaceAll('*', '').length - a.replaceAll('*', '').length)[0];
}

/** The key of `table` that `image` matches: `name:tag` exactly, a `name:tag*` pattern, `name` exactly, a `name*` pattern. */
function matchKey(table: Readonly<Record<string, unknown>>, image: string): string | undefined {
  const { name, tag } = normaliseImage(image);
  const full = `${name}:${tag ?? 'latest'}`;
  if (full in table) return full;
  const patterns = Object.keys(table).filter((k) => k.includes('*'));
  const tagged = longestPattern(patterns.filter((k) => k.includes(':')), full);
  if (tagged) return tagged;
  if (name in table) return name;
  return longestPattern(patterns.filter((k) => !k.includes(':')), name);
}

/** Normalises the keys of a user table (as `run.imageConfigs` gives them) so that lookups find them. */
export function normaliseImageKeys(table: Readonly<Record<string, ImageConfig>>): Record<string, ImageConfig> {
  const out: Record<string, ImageConfig> = {};
  for (const [k, v] of Object.entries(table)) {
    const { name, tag } = normaliseImage(k);
    out[tag === undefined ? name : `${name}:${tag}`] = v;
  }
  return out;
}

/** The config of `image`: the repository's table first (normalised keys), then the shipped one. */
export function lookupImageConfig(image: string, overrides: Readonly<Record<string, ImageConfig>> = {}): ImageConfig | undefined {
  const own = matchKey(overrides, image);
  if (own) return overrides[own];
  const table = builtinImageConfigs();
  const key = matchKey(table, image);
  return key ? table[key] : undefined;
}

/**
 * Tekton's entrypoint rule for a step with no `command` (imageInfo): the image's Entrypoint, with
 * its Cmd appended only when the step has no `args`; with no Entrypoint, the Cmd; then the args.
 */
export function tektonEntrypoint(config: ImageConfig, args: readonly string[]): string[] {
  const ep = config.Entrypoint ?? [];
  const cmd = ep.length === 0 ? (config.Cmd ?? []) : args.length === 0 ? [...ep, ...(config.Cmd ?? [])] : ep;
  return [...cmd, ...args];
}

/** The `.plumbing.yaml` setting that gives an image's config, for error messages. */
export function imageConfigSetting(image: string): string {
  const { name } = normaliseImage(image);
  return `run.imageConfigs["${name}"] (entrypoint, cmd, workingDir, env) in .plumbing.yaml`;
}
