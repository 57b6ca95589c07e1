import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ReleaseKind } from './types.js';

export type StepStatus = 'done' | 'skipped' | 'failed';

export interface JournalAttempt {
  startedAt: string;
  finishedAt?: string;
  backend: string;
  outcome: 'running' | 'success' | 'failure';
  failedStep?: string;
  error?: string;
}

/** The record of a release: each step's last outcome and every attempt. A re-run resumes from it. */
export interface Journal {
  project: string;
  version: string;
  kind: ReleaseKind;
  commit: string;
  attempts: JournalAttempt[];
  steps: Record<string, { status: StepStatus; detail: string; at: string; output?: Record<string, string | number> }>;
}

export const journalDir = (root: string, project: string, version: string) => join(root, '.plumbing', 'releases', project, version);
export const journalPath = (root: string, project: string, version: string) => join(journalDir(root, project, version), 'journal.json');

export async function readJournal(root: string, project: string, version: string): Promise<Journal | undefined> {
  try {
    return JSON.parse(await readFile(journalPath(root, project, version), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

export async function writeJournal(root: string, j: Journal): Promise<void> {
  const p = journalPath(root, j.project, j.version);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, `${JSON.stringify(j, null, 2)}\n`);
}

export function newJournal(project: string, version: string, kind: ReleaseKind, commit: string): Journal {
  return { project, version, kind, commit, attempts: [], steps: {} };
}

export function lastAttempt(j: Journal | undefined): JournalAttempt | undefined {
  return j?.attempts[j.attempts.length - 1];
}
