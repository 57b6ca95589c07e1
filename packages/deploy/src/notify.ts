import type { Notification } from '@plumbing/model';
import type { DeployResult } from './deploy.js';
import type { GitHub } from '@plumbing/github';

export interface NotifyPorts {
  github?: GitHub | undefined;
  fetch?: typeof fetch;
}

export function failed(result: Pick<DeployResult, 'outcome'>): boolean {
  return result.outcome === 'rolled-back' || result.outcome === 'quarantined';
}

/** The title of the one open issue per cluster that failures are reported on. */
export function issueTitle(cluster: string): string {
  return `Deploy of ${cluster} is failing`;
}

export function failureBody(r: { cluster: string; hash: string; commit?: string | undefined; message: string }): string {
  return [`The deploy of **${r.cluster}** failed.`, '', `- content: \`${r.hash.slice(0, 12)}\``, `- commit: ${r.commit ? `\`${r.commit}\`` : 'unknown'}`, '', '```', r.message, '```'].join('\n');
}

/**
 * Reports a deploy as the cluster config asks: on failure a webhook POST and a GitHub issue
 * (one per cluster, commented on while open); a commit status on every run with a commit.
 * Returns one line per report made; a report that cannot be made is a line too (the deploy's
 * own outcome stands).
 */
export async function notifyDeploy(notify: Notification | undefined, r: { cluster: string; outcome: string; hash: string; commit?: string | undefined; message: string }, ports: NotifyPorts): Promise<string[]> {
  if (!notify) return [];
  const out: string[] = [];
  const bad = r.outcome === 'rolled-back' || r.outcome === 'quarantined' || r.outcome === 'error';
  const attempt = async (what: string, fn: () => Promise<string>) => {
    try {
      out.push(await fn());
    } catch (e) {
      out.push(`could not ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  if (bad && notify.webhook) {
    const url = notify.webhook;
    await attempt('call the webhook', async () => {
      const res = await (ports.fetch ?? fetch)(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: 'deploy-failed', cluster: r.cluster, outcome: r.outcome, hash: r.hash, commit: r.commit ?? null, message: r.message }) });
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      return `webhook: ${new URL(url).host} answered ${res.status}`;
    });
  }
  const gh = ports.github;
  if (bad && notify.githubIssue) {
    const { repository, labels } = notify.githubIssue;
    await attempt('report on GitHub', async () => {
      if (!gh) throw new Error('no GitHub token (set GITHUB_TOKEN)');
      const issue = await gh.repo(repository).openOrComment({ title: issueTitle(r.cluster), body: failureBody(r), labels: labels ?? [] });
      return `issue: ${issue.url}`;
    });
  }
  if (notify.githubStatus && r.commit) {
    const { repository, context } = notify.githubStatus;
    const ctx = context ?? `plumbing/deploy/${r.cluster}`;
    await attempt('set the commit status', async () => {
      if (!gh) throw new Error('no GitHub token (set GITHUB_TOKEN)');
      await gh.repo(repository).createStatus(r.commit!, { state: bad ? 'failure' : 'success', context: ctx, description: r.message.split('\n')[0]! });
      return `status: ${ctx} ${bad ? 'failure' : 'success'} on ${r.commit!.slice(0, 12)}`;
    });
  }
  return out;
}
