// Issues and issue comments, and the one "open an issue, or comment on the open one" that release,
// deploy, gc and the service use to report failures.

import type { Caller } from './client.js';
import type { CommentInfo, IssueReport, IssueReportResult } from './types.js';

export interface IssuesPort {
  /** The open issue (not pull request) with this title, and this label when given; all pages. */
  findOpenIssue(title: string, label?: string): Promise<number | undefined>;
  createIssue(title: string, body: string, labels: readonly string[]): Promise<number>;
  /** Closes an issue as completed (a failing job that recovered). */
  closeIssue(issue: number): Promise<void>;
  /** Comments on the open issue found by title (or marker), or opens one. */
  openOrComment(report: IssueReport): Promise<IssueReportResult>;
  /** Adds a comment to an issue or pull request. */
  comment(issue: number, body: string): Promise<CommentInfo>;
  /** Every comment of an issue or pull request, oldest first, all pages. */
  listComments(issue: number): Promise<CommentInfo[]>;
  updateComment(commentId: number, body: string): Promise<CommentInfo>;
  deleteComment(commentId: number): Promise<void>;
  /** The newest comment whose body contains `marker` (a sticky comment the caller keeps updating). */
  findComment(issue: number, marker: string): Promise<CommentInfo | undefined>;
}

type Repo = { owner: string; repo: string };

interface WireComment {
  id: number;
  body?: string | undefined;
  user: { login: string } | null;
  html_url: string;
  created_at: string;
  updated_at: string;
}

function toComment(c: WireComment): CommentInfo {
  return { id: c.id, body: c.body ?? '', author: c.user?.login ?? 'ghost', url: c.html_url, createdAt: c.created_at, updatedAt: c.updated_at };
}

interface WireIssue {
  number: number;
  title: string;
  body?: string | null | undefined;
  html_url: string;
  pull_request?: unknown;
}

export function issuesPort(c: Caller, o: Repo): IssuesPort {
  const openIssues = async (label: string | undefined): Promise<WireIssue[]> => {
    const all = await c.call('list issues', (k) => k.paginate(k.rest.issues.listForRepo, { ...o, state: 'open', per_page: 100, ...(label ? { labels: label } : {}) }));
    return all.filter((i) => i.pull_request === undefined);
  };
  const port: IssuesPort = {
    async findOpenIssue(title, label) {
      return (await openIssues(label)).find((i) => i.title === title)?.number;
    },
    async createIssue(title, body, labels) {
      const res = await c.call('create issue', (k) => k.rest.issues.create({ ...o, title, body, labels: [...labels] }));
      return res.data.number;
    },
    async closeIssue(issue) {
      await c.call(`close #${issue}`, (k) => k.rest.issues.update({ ...o, issue_number: issue, state: 'closed', state_reason: 'completed' }));
    },
    async openOrComment(r) {
      const labels = r.labels ?? [];
      // Filter by the first label only: the title (or marker) decides, and an issue that lost a
      // second label is still the one to comment on.
      const open = await openIssues(labels[0]);
      const marker = r.marker;
      const existing = marker === undefined ? open.find((i) => i.title === r.title) : open.find((i) => (i.body ?? '').includes(marker));
      if (existing) {
        await port.comment(existing.number, r.body);
        return { number: existing.number, url: existing.html_url, action: 'commented' };
      }
      const body = marker === undefined ? r.body : `${r.body}\n\n${marker}`;
      const res = await c.call('create issue', (k) => k.rest.issues.create({ ...o, title: r.title, body, labels: [...labels] }));
      return { number: res.data.number, url: res.data.html_url, action: 'opened' };
    },
    async comment(issue, body) {
      const res = await c.call(`comment on #${issue}`, (k) => k.rest.issues.createComment({ ...o, issue_number: issue, body }));
      return toComment(res.data);
    },
    async listComments(issue) {
      const all = await c.call(`list comments of #${issue}`, (k) => k.paginate(k.rest.issues.listComments, { ...o, issue_number: issue, per_page: 100 }));
      return all.map(toComment);
    },
    async updateComment(commentId, body) {
      const res = await c.call(`update comment ${commentId}`, (k) => k.rest.issues.updateComment({ ...o, comment_id: commentId, body }));
      return toComment(res.data);
    },
    async deleteComment(commentId) {
      await c.call(`delete comment ${commentId}`, (k) => k.rest.issues.deleteComment({ ...o, comment_id: commentId }));
    },
    async findComment(issue, marker) {
      const all = await port.listComments(issue);
      return all.filter((x) => x.body.includes(marker)).at(-1);
    },
  };
  return port;
}
