import type { Octokit } from '@octokit/rest';
import { PlumbingError } from '@plumbing/model';

/** What the deploy tells GitHub: the one port to GitHub (over @octokit/rest). */
export interface GitHubPort {
  /** Comments on the open issue with this title, or opens one. Returns the issue URL. */
  reportIssue(repository: string, title: string, body: string, labels: readonly string[]): Promise<string>;
  setStatus(repository: string, sha: string, state: 'success' | 'failure' | 'error' | 'pending', context: string, description: string): Promise<void>;
}

function split(repository: string): { owner: string; repo: string } {
  const [owner, repo] = repository.split('/');
  if (!owner || !repo) throw new PlumbingError('GITHUB_BAD_REPO', `bad repository "${repository}": expected owner/name`);
  return { owner, repo };
}

/** Wraps an Octokit failure once: status and GitHub's message, never the request's headers. */
function githubError(what: string, e: unknown): PlumbingError {
  const status = (e as { status?: number }).status;
  const message = (e as { response?: { data?: { message?: string } } }).response?.data?.message ?? (e instanceof Error ? e.message : String(e));
  return new PlumbingError('GITHUB_API', `${what}: ${status ?? 'error'} ${message}`);
}

/** The port over @octokit/rest, imported on first use (only a failed deploy reports). */
export function octokitGitHub(opts: { token: string; baseUrl?: string | undefined }): GitHubPort {
  let client: Promise<Octokit> | undefined;
  const get = () => {
    client ??= import('@octokit/rest').then(({ Octokit }) => new Octokit({ auth: opts.token, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} } }));
    return client;
  };
  return {
    async reportIssue(repository, title, body, labels) {
      const { owner, repo } = split(repository);
      const octokit = await get();
      try {
        const open = await octokit.issues.listForRepo({ owner, repo, state: 'open', per_page: 100, ...(labels.length ? { labels: labels.join(',') } : {}) });
        const existing = open.data.find((i) => i.title === title && !i.pull_request);
        if (existing) {
          await octokit.issues.createComment({ owner, repo, issue_number: existing.number, body });
          return existing.html_url;
        }
        const created = await octokit.issues.create({ owner, repo, title, body, labels: [...labels] });
        return created.data.html_url;
      } catch (e) {
        throw githubError(`report the failure on ${repository}`, e);
      }
    },
    async setStatus(repository, sha, state, context, description) {
      const { owner, repo } = split(repository);
      const octokit = await get();
      try {
        await octokit.repos.createCommitStatus({ owner, repo, sha, state, context, description: description.slice(0, 140) });
      } catch (e) {
        throw githubError(`set the ${context} status of ${sha.slice(0, 12)} on ${repository}`, e);
      }
    },
  };
}
