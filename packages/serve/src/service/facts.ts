/**
 * What a run records about its trigger, gathered from the delivery and the rendered resource:
 * kind, job, repository, pull request, commit, actor, and the key under which a newer push
 * supersedes it; and a pull request's state from a pull_request delivery. Pure functions of their inputs.
 */
import { isMap, type JsonMap } from '@plumbing/model';
import type { PullRequestState } from '../store/pull-requests.js';
import type { DeliveryRow, RunKind } from '../store/store.js';

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

/** The pull_request actions after which a pull request is open; after `closed` it is closed. */
export const PR_OPEN_ACTIONS: readonly string[] = ['opened', 'reopened', 'synchronize', 'edited', 'ready_for_review'];

/**
 * A pull request's state as a `pull_request` delivery tells it: open after the actions above,
 * closed (merged or not) after `closed`; any other action (labeled, assigned, …) by the
 * payload's `pull_request.state`. Undefined for any other event or a payload without the numbers.
 */
export function pullRequestStateOf(
  d: Pick<DeliveryRow, 'id' | 'event' | 'action' | 'received'>,
  body: unknown,
  privateRepositories: ReadonlySet<string>,
): PullRequestState | undefined {
  if (d.event !== 'pull_request') return undefined;
  const repository = strOrNull(at(body, 'repository', 'full_name'));
  const number = at(body, 'pull_request', 'number') ?? at(body, 'number');
  if (repository === null || typeof number !== 'number') return undefined;
  const payloadState = at(body, 'pull_request', 'state');
  const state = d.action === 'closed' ? 'closed' : PR_OPEN_ACTIONS.includes(d.action ?? '') ? 'open' : payloadState === 'open' || payloadState === 'closed' ? payloadState : undefined;
  if (!state) return undefined;
  const updatedAt = Date.parse(strOrNull(at(body, 'pull_request', 'updated_at')) ?? '');
  return {
    repository, number, state, merged: state === 'closed' && (at(body, 'pull_request', 'merged') === true || strOrNull(at(body, 'pull_request', 'merged_at')) !== null),
    title: strOrNull(at(body, 'pull_request', 'title')), author: strOrNull(at(body, 'pull_request', 'user', 'login')),
    private: privateRepositories.has(repository) || at(body, 'repository', 'private') === true,
    updated: Number.isNaN(updatedAt) ? d.received : new Date(updatedAt).toISOString(), received: d.received, deliveryId: d.id,
  };
}
