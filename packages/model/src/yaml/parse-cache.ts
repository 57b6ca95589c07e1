import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Finding } from '../check/finding.js';
import type { LoadedFileData } from './source.js';

/**
 * Bump when loadYaml's output changes shape or meaning. 2: go-yaml's flow indentation is read,
 * invalid UTF-8 and the parser's warnings are findings.
 */
const FORMAT = 2;

function yamlVersion(): string {
  try {
    return (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

interface Entry {
  findings: Omit<Finding, 'file'>[];
  docs: { index: number; value: unknown }[];
}

interface Stored {
  key: string;
  entries: Map<string, Entry>;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/**
 * What loadYaml made of a file, by the file's content: a repeated `plumbing check` parses only
 * the files that changed. Positions are not stored: a file that gets a finding is parsed again
 * for them (see fromLoadedFileData). One file, rewritten atomically; any problem reading it
 * (missing, corrupt, another yaml version) simply means a cold run.
 */
export class ParseCache {
  private readonly key = `plumbing-parse-cache/${FORMAT} yaml@${yamlVersion()}`;
  private readonly old: Map<string, Entry>;
  private readonly next = new Map<string, Entry>();
  private changed = false;
  hits = 0;
  misses = 0;

  constructor(private readonly file: string) {
    let old = new Map<string, Entry>();
    try {
      const stored = deserialize(readFileSync(file)) as Stored;
      if (stored.key === this.key && stored.entries instanceof Map) old = stored.entries;
    } catch {
      // cold run
    }
    this.old = old;
  }

  /** The cached data of `text`, as a worker would send it, or undefined. */
  get(file: string, text: string, hash = contentHash(text)): LoadedFileData | undefined {
    const e = this.old.get(hash) ?? this.next.get(hash);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.next.set(hash, e);
    return { file, text, findings: e.findings.map((f) => ({ ...f, file })), docs: e.docs };
  }

  set(data: LoadedFileData, hash = contentHash(data.text)): void {
    this.next.set(hash, { findings: data.findings.map(({ file: _file, ...f }) => f), docs: data.docs });
    this.changed = true;
  }

  /** Writes the entries of this run's files (stale ones are dropped). Best effort: a read-only disk costs speed, not correctness. */
  save(): void {
    if (!this.changed && this.next.size === this.old.size) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize({ key: this.key, entries: this.next } satisfies Stored));
      renameSync(tmp, this.file);
    } catch {
      // no cache this time
    }
  }
}
