import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ImageTool } from '../contracts.js';

/** This project's CLI image (images/plumbing/Dockerfile). */
export const PLUMBING_IMAGE = 'ghcr.io/plumbing-dev/plumbing';

/** `registry/name:tag@sha256:…` → `registry/name`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function imageToolFor(tools: readonly ImageTool[] | undefined, image: string | undefined): ImageTool | undefined {
  if (!tools || !image) return undefined;
  const name = imageName(image);
  return tools.find((t) => t.image === name);
}

/**
 * The running plumbing CLI as the tool of its own image, when this process is that CLI
 * (`node …/packages/cli/bin/plumbing.js`): a wrapper script `plumbing` that runs the same
 * node and the same CLI, and the CLI's repository (with its node_modules) bound read-only.
 */
export function runningCliTool(argv1 = process.argv[1], execPath = process.execPath): ImageTool | undefined {
  if (!argv1) return undefined;
  // `npx plumbing` runs node_modules/.bin/plumbing, a link to packages/cli/bin/plumbing.js
  try {
    argv1 = realpathSync(argv1);
  } catch {
    // as given
  }
  if (basename(argv1) !== 'plumbing.js' || basename(dirname(argv1)) !== 'bin') return undefined;
  const repo = dirname(dirname(dirname(dirname(argv1)))); // <repo>/packages/cli/bin/plumbing.js
  const binDir = join(tmpdir(), `plumbing-cli-${createHash('sha1').update(`${execPath}\u0000${argv1}`).digest('hex').slice(0, 12)}`);
  const script = `#!/bin/sh\nexec '${execPath.replaceAll("'", "'\\\\''")}' '${argv1.replaceAll("'", "'\\\\''")}' "$@"\n`;
  const file = join(binDir, 'plumbing');
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first use
  }
  if (current !== script) {
    mkdirSync(binDir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, script);
    chmodSync(`${file}.${process.pid}`, 0o755);
    // atomic: a concurrent run never sees half a script
    renameSync(`${file}.${process.pid}`, file);
  }
  const mounts = [repo];
  if (!execPath.startsWith('/usr/')) mounts.push(dirname(execPath));
  return { image: PLUMBING_IMAGE, binDir, mounts };
}
