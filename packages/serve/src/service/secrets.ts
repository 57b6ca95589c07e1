/** Secrets as Kubernetes mounts them: `DIR/<secret-name>/<key>` (`--secrets DIR`). */
import { readFileSync } from 'node:fs';
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
