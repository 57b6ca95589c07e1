// The parts of the GitHub port (@plumbing/github) this package uses. Gatherers and appliers take
// these narrow views, so each one's calls are visible in its signature; `createGitHub(…)` and its
// `repo(…)` satisfy them.

import type { GitHub, GitHubRepo } from '@plumbing/github';

/** One repository, as `GitHub.repo("owner/name")` gives it. */
export type PrRepoPort = Pick<GitHubRepo, 'getPull' | 'collaboratorPermission' | 'fileContents' | 'listComments' | 'comment' | 'updateComment' | 'createStatus'> & {
  /** A directory's entries at a ref (`GET /repos/{o}/{r}/contents/{path}`); the port has none yet, so image directories are probed one by one. */
  listDirectory?(path: string, ref?: string): Promise<{ name: string; type: string }[] | undefined>;
};

/** Organisations and teams. */
export type PrOrgPort = Pick<GitHub, 'isOrgMember' | 'teamMembership'>;

/** Check runs (GitHub App mode); the port sends annotations 50 per request. */
export type PrChecksPort = Pick<GitHubRepo, 'createCheckRun' | 'updateCheckRun'>;
