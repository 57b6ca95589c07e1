import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PlumbingError } from '@plumbing/model';
import { ensureOracle, type EnsureOracleOptions } from './build.js';

/** Tekton's answer for one YAML document. */
export interface OracleAnswer {
  /** 0-based index of the document as kubectl splits the stream (empty documents count). */
  readonly index: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly verdict: 'accepted' | 'refused' | 'not-tekton' | 'empty' | 'invalid-yaml';
  /** Which stage refused: yaml, decode, metadata, webhook, reconciler, panic. */
  readonly stage?: string;
  readonly errors?: readonly { message: string; paths?: string[] }[];
  readonly warnings?: readonly { message: string; paths?: string[] }[];
}

export interface StartOracleOptions extends EnsureOracleOptions {
  /** A YAML file with the `feature-flags` (and `feature-flags-triggers`) ConfigMaps; default: every API field on. */
  readonly featureFlags?: string;
}

interface Pending {
  resolve: (docs: OracleAnswer[]) => void;
  reject: (err: Error) => void;
}

/**
 * One long-lived oracle process: requests are YAML streams, answered in order over JSON lines.
 * Thousands of files cost one process start.
 */
export class TektonOracle {
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private exited: Error | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line));
    child.on('close', (code, signal) => {
      this.exited = new PlumbingError('ORACLE_EXITED', `tekton-oracle exited (${signal ?? code}): ${stderr.trim() || 'no output'}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  static async start(opts: StartOracleOptions = {}): Promise<TektonOracle> {
    const binary = await ensureOracle(opts);
    const args = ['--jsonl', ...(opts.featureFlags ? ['--feature-flags', opts.featureFlags] : [])];
    return new TektonOracle(spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** Tekton's answer for each document of a YAML stream (one file's text). */
  judge(yaml: string): Promise<OracleAnswer[]> {
    if (this.exited) return Promise.reject(this.exited);
    const id = String(this.next++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, yaml })}\n`);
    });
  }

  /** Ends the process after the answers already asked for. */
  async close(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }

  private onLine(line: string): void {
    let reply: { id?: string; documents?: OracleAnswer[] | null };
    try {
      reply = JSON.parse(line) as typeof reply;
    } catch {
      return;
    }
    const p = reply.id === undefined ? undefined : this.pending.get(reply.id);
    if (!p || reply.id === undefined) return;
    this.pending.delete(reply.id);
    p.resolve(reply.documents ?? []);
  }
}
