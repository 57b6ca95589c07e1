import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PlumbingError } from '@plumbing/model';

interface Pending {
  resolve: (reply: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

/**
 * A long-lived child process that answers JSON-line requests, each carrying an `id` that its
 * reply repeats (the Tekton oracle, the kustomize renderer): thousands of requests cost one process
 * start. When the process ends, every pending request is refused with its last stderr.
 */
export class JsonLinesProcess {
  private readonly pending = new Map<string, Pending>();
  private next = 0;
  private exited: Error | undefined;

  /** `name` and `exitedCode` make the error when the process ends: e.g. tekton-oracle, ORACLE_EXITED. */
  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    name: string,
    exitedCode: string,
  ) {
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-4000);
    });
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => this.onLine(line));
    child.on('close', (code, signal) => {
      this.exited = new PlumbingError(exitedCode, `${name} exited (${signal ?? code}): ${stderr.trim() || 'no output'}`);
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Sends `{id, ...request}` and resolves with the reply that carries the same id. */
  request(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    const id = String(this.next++);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  /** Ends the process after the requests already sent are answered. */
  async close(): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }

  private onLine(line: string): void {
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const id = typeof reply.id === 'string' ? reply.id : undefined;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || id === undefined) return;
    this.pending.delete(id);
    p.resolve(reply);
  }
}
