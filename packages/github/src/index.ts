export { redact } from './errors.js';
export type { GitHub, GitHubRepo } from './github.js';
export { appInstallationFor, createGitHub } from './github.js';
export { exchangeOAuthCode, oauthAuthorizeUrl } from './oauth.js';
export type { CheckAnnotation, CheckOutput, CheckRunCreate, CiState, CommitState, Permission, PullDetail, PullInfo, ReleaseInfo, StatusWrite } from './types.js';
