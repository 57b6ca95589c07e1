import { spawn } from 'node:child_process';
import { JsonLinesProcess } from '@plumbing/kube-testenv';
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

/**
 * One long-lived oracle process: requests are YAML streams, answered in order over JSON lines.
 * Thousands of files cost one process start.
 */
export class TektonOracle {
  private constructor(private readonly process: JsonLinesProcess) {}

  static async start(opts: StartOracleOptions = {}): Promise<TektonOracle> {
    const binary = await ensureOracle(opts);
    const args = ['--jsonl', ...(opts.featureFlags ? ['--feature-flags', opts.featureFlags] : [])];
    return new TektonOracle(new JsonLinesProcess(spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] }), 'tekton-oracle', 'ORACLE_EXITED'));
  }

  /** Tekton's answer for each document of a YAML stream (one file's text). */
  async judge(yaml: string): Promise<OracleAnswer[]> {
    const reply = (await this.process.request({ yaml })) as { documents?: OracleAnswer[] | null };
    return reply.documents ?? [];
  }

  /** Ends the process after the answers already asked for. */
  close(): Promise<void> {
    return this.process.close();
  }
}
