/** Secrets as Kubernetes mounts them: `DIR/<secret-name>/<key>` (`--secrets DIR`). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretReader } from '../triggers/cel-env.js';

export function secretsFromDir(dir: string | undefined): SecretReader {
  return (name, key) => {
    if (!dir || name.includes('/') || key.includes('/') || name.startsWith('.') || key.startsWith('.')) return undefined;
    try {
      return readFileSync(join(dir, name, key), 'utf8').replace(/\r?\n$/, '');
    } catch {
      return undefined;
    }
  };
}

/** Every value under `DIR/<secret-name>/<key>` (what reports must never show); [] without a directory. */
export function secretValuesOf(dir: string | undefined): string[] {
  if (!dir) return [];
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    let keys: string[];
    try {
      keys = readdirSync(join(dir, name)).filter((k) => !k.startsWith('.'));
    } catch {
      continue;
    }
    for (const key of keys) {
      try {
        out.push(readFileSync(join(dir, name, key), 'utf8'));
      } catch {
        // A directory or an unreadable file holds no value to redact.
      }
    }
  }
  return out;
}
