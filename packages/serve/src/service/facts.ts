/**
 * What a run records about its trigger, gathered from the delivery and the rendered resource:
 * kind, job, repository, pull request, commit, actor, and the key under which a newer push
 * supersedes it. Pure functions of their inputs.
 */
import { isMap, type JsonMap } from '@plumbing/model';
import type { RunKind } from '../store/store.js';

export interface RunFacts {
  kind: RunKind;
  job: string;
  repository: string | null;
  pullRequest: number | null;
  sha: string | null;
  actor: string | null;
  supersedeKey: string | null;
  /** A push to the repository's default branch. */
  defaultBranch: boolean;
}

/** The kinds a template may declare with its `plumbing.dev/kind` annotation. */
const KINDS = new Set<RunKind>(['pull-request', 'push', 'comment', 'event', 'periodic', 'release', 'deploy']);

function at(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
}

/** The job a run belongs to: its pipelineRef/taskRef name, else its generateName without the dash. */
export function jobOf(resource: JsonMap): string {
  const spec = isMap(resource.spec) ? resource.spec : {};
  const ref = strOrNull(at(spec, 'pipelineRef', 'name')) ?? strOrNull(at(spec, 'taskRef', 'name'));
  if (ref) return ref;
  const meta = isMap(resource.metadata) ? resource.metadata : {};
  return (strOrNull(meta.generateName) ?? strOrNull(meta.name) ?? 'run').replace(/-$/, '');
}

/** A run's kind from its webhook event: a push is a push, whatever branch; only a delivery about a pull request is `pull-request`. */
export function kindOfEvent(event: string, pullRequest: number | null): RunKind {
  if (event === 'push') return 'push';
  if (event === 'issue_comment') return 'comment';
  return pullRequest !== null ? 'pull-request' : 'event';
}

export function runFacts(event: string, body: unknown, resource: JsonMap): RunFacts {
  const labels = at(resource, 'metadata', 'labels');
  const annotations = at(resource, 'metadata', 'annotations');
  const label = (k: string) => strOrNull(isMap(labels) ? labels[k] : undefined);
  // owner/name is not a valid label value on a real API server: annotations first, then labels.
  const meta = (k: string) => strOrNull(isMap(annotations) ? annotations[k] : undefined) ?? label(k);
  const declared = meta('plumbing.dev/kind');
  const repository = meta('plumbing.dev/repository') ?? strOrNull(at(body, 'repository', 'full_name'));
  const prText = meta('plumbing.dev/pull-request') ?? strOrNull(at(body, 'pull_request', 'number')) ?? strOrNull(at(body, 'issue', 'number'));
  const pullRequest = prText !== null && /^\d+$/.test(prText) ? Number(prText) : null;
  const sha = strOrNull(at(body, 'pull_request', 'head', 'sha')) ?? strOrNull(at(body, 'after')) ?? strOrNull(at(body, 'head_commit', 'id'));
  const actor = strOrNull(at(body, 'sender', 'login'));
  const kind: RunKind = declared && KINDS.has(declared as RunKind) ? (declared as RunKind) : kindOfEvent(event, pullRequest);
  const job = jobOf(resource);
  // A newer push to the same pull request supersedes the runs of the same job.
  const supersedeKey = event === 'pull_request' && repository && pullRequest !== null ? `${repository}#${pullRequest}/${job}` : null;
  const defaultBranch = event === 'push' && strOrNull(at(body, 'ref')) === `refs/heads/${strOrNull(at(body, 'repository', 'default_branch')) ?? ''}`;
  return { kind, job, repository, pullRequest, sha, actor, supersedeKey, defaultBranch };
}
