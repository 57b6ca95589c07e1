export type { AuthProvider, GitHubAppCredentials, GitHubAuth } from './auth.js';
export { appJwt, TOKEN_RENEW_MARGIN_MS } from './auth.js';
export type { ChecksPort } from './checks.js';
export { ANNOTATIONS_PER_REQUEST, annotationBatches, OUTPUT_TEXT_LIMIT } from './checks.js';
export type { GitHubOptions } from './client.js';
export { DEFAULT_API_URL } from './client.js';
export { GitHubError, redact } from './errors.js';
export type { GitHub, GitHubRepo } from './github.js';
export { appInstallationFor, createGitHub, splitRepository } from './github.js';
export type { IssuesPort } from './issues.js';
export type { OAuthApp, OAuthToken } from './oauth.js';
export { DEFAULT_WEB_URL, exchangeOAuthCode, oauthAuthorizeUrl } from './oauth.js';
export type { ReleasesPort } from './releases.js';
export type { RepoReadPort } from './repo-read.js';
export type {
  AssetInfo,
  CheckAnnotation,
  CheckConclusion,
  CheckOutput,
  CheckRunCreate,
  CheckRunInfo,
  CheckRunWrite,
  CheckStatus,
  CiState,
  CommentInfo,
  CommitState,
  IssueReport,
  IssueReportResult,
  Permission,
  PullDetail,
  PullInfo,
  ReleaseInfo,
  ReleaseWrite,
  StatusWrite,
  TeamMembership,
  UserInfo,
} from './types.js';
