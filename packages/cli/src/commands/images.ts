import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { durationFlag, parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const IMAGES_HELP = `Usage: plumbing images [list | pull REF | prune] [options]

The container images \`plumbing run\` keeps: pulled from OCI registries (no daemon), blobs
content-addressed and each image's root filesystem unpacked once, in $PLUMBING_CACHE/oci (else
~/.cache/plumbing/oci), shared by all runs.

Commands:
  list (default)   the cached images: reference, digest, platform, size, last used
  pull REF         pull an image (tag or digest) into the cache and print its digest
  prune            remove images no run used for --older-than, and blobs only they needed

Options:
  --platform OS/ARCH[/VARIANT]  pull: the platform to pick from an index (default: this machine's)
  --credentials FILE            pull: a docker-config file (a Secret's .dockerconfigjson) tried
                                before $DOCKER_CONFIG/config.json or ~/.docker/config.json (repeatable)
  --older-than AGE              prune: not used for AGE, e.g. 72h, 7d (default 7d; 0 = all)
  --dry-run                     prune: print the plan only
  --format FORMAT               text (default) or json
  -h, --help                    show this help

Registry mirrors and insecure (http) registries come from .plumbing.yaml:
  images: { mirrors: { docker.io: [mirror.lan:5000] }, insecure: [registry.lan:5000] }
Loopback registries are always spoken to over http.

Exit codes: 0 done (or nothing to do), 1 error, 2 usage error.
`;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      credentials: { type: 'string', multiple: true },
      'older-than': { type: 'string' },
      'dry-run': { type: 'boolean' },
      format: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export async function imagesCommand(argv: string[], io: Io): Promise<number> {
  const { values: v, positionals } = parseOrUsage('images', () => parse(argv));
  if (v.help) {
    io.stdout(IMAGES_HELP);
    return 0;
  }
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format}: use text or json`);
  const [sub = 'list', ...rest] = positionals;
  const oci = await import('@plumbing/oci');
  const cache = oci.defaultCacheDir(io.env);
  const json = (x: unknown): void => io.stdout(`${JSON.stringify(x, null, 2)}\n`);
  if (sub === 'list' || sub === 'ls') {
    if (rest.length) throw new UsageError(`images list takes no arguments, got ${rest.join(' ')}`);
    const images = await oci.listImages(cache);
    if (format === 'json') json({ cache, images });
    else io.stdout(formatList(images));
    return 0;
  }
  if (sub === 'pull') {
    if (rest.length !== 1) throw new UsageError('images pull needs exactly one image reference', 'e.g. plumbing images pull busybox:1.36');
    const platform = v.platform === undefined ? undefined : oci.parsePlatform(v.platform);
    const image = await oci.pullImage(rest[0] as string, {
      cache,
      ...(platform ? { platform } : {}),
      settings: oci.loadRegistrySettings(findRoot(io.cwd)),
      credentials: oci.loadCredentials((v.credentials ?? []).map((f) => resolve(io.cwd, f)), io.env),
      log: (line) => io.stderr(`${line}\n`),
    });
    if (format === 'json') json(image);
    else io.stdout(`${image.references.at(-1)} ${image.manifestDigest} ${image.platform} ${mib(image.size)}${image.cached ? ' (cached)' : ''}\n${image.notes.map((n) => `  note: ${n}\n`).join('')}`);
    return 0;
  }
  if (sub === 'prune') return prune(oci, cache, v, format, io);
  throw new UsageError(`unknown images command "${sub}"`, 'use list, pull or prune');
}

async function prune(oci: typeof import('@plumbing/oci'), cache: string, v: ReturnType<typeof parse>['values'], format: string, io: Io): Promise<number> {
  const age = durationFlag('older-than', v['older-than'] ?? '7d');
  const plan = await oci.planPrune(cache, new Date(Date.now() - age));
  const freed = v['dry-run'] ? 0 : await oci.applyPrune(cache, plan);
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ dryRun: Boolean(v['dry-run']), before: plan.before, images: plan.images, blobs: plan.blobs.length, freedBytes: freed }, null, 2)}\n`);
    return 0;
  }
  const verb = v['dry-run'] ? 'would remove' : 'removed';
  const lines = plan.images.map((i) => `${verb} ${i.references.join(', ')} ${i.manifestDigest.slice(0, 19)} (last used ${i.lastUsed})\n`);
  io.stdout(`${lines.join('')}${plan.images.length} image(s), ${plan.blobs.length} blob(s) ${verb}${v['dry-run'] ? '' : `, ${mib(freed)} of blobs freed`}\n`);
  return 0;
}

function formatList(images: Awaited<ReturnType<typeof import('@plumbing/oci').listImages>>): string {
  if (images.length === 0) return 'no cached images\n';
  const rows = images.map((i) => [i.references.join(', '), i.manifestDigest.slice(0, 19), i.platform, mib(i.size), i.lastUsed]);
  const head = ['REFERENCE', 'DIGEST', 'PLATFORM', 'SIZE', 'LAST USED'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  return [head, ...rows].map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n') + '\n';
}
