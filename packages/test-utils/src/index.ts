export type {
  Fault,
  GitHubServer,
  GitHubServerOptions,
  InjectedFault,
  RecordedRequest,
} from './github/server.js';
export { startGitHubServer } from './github/server.js';
export type { AppInfo, AppOptions, OAuthAppInfo } from './github/credentials.js';
export { INSTALLATION_TOKEN_TTL_MS, verifyAppJwt } from './github/credentials.js';
export type { TeamRole } from './github/access-state.js';
export { AccessState } from './github/access-state.js';
export type { CheckRunSeed, IssueSeed, PullSeed, ReleaseSeed, RepoSeed, StatusSeed } from './github/state.js';
export { fakeSha, GitHubState, steppingClock } from './github/state.js';
export type {
  AnnotationRecord,
  AssetRecord,
  CheckOutputRecord,
  CheckRunRecord,
  CommentRecord,
  CommitState,
  IssueRecord,
  MakeLatest,
  Permission,
  ReleaseRecord,
  RepoRecord,
  StatusRecord,
} from './github/types.js';
export { combinedState } from './github/routes-statuses.js';
export { compareVersions } from './github/semver.js';
export type { CommitSpec, MakeGitRepoOptions } from './git-repo.js';
export { git, GIT_TEST_ENV, makeGitRepo, makeTempDir, removeTempDir } from './git-repo.js';
export type { GitHttpServer } from './git-http-server.js';
export { selfSignedCert, startGitHttpServer } from './git-http-server.js';
export type { CliOutcome, RunResult, RunSummary, RunTaskOptions, TaskRunSummary } from './plumbing-run.js';
export { CLI, plumbing, REPO_ROOT, result, runDocs, runPipeline, runTask, secret, secretDir } from './plumbing-run.js';
export type { TestRegistry } from './oci/registry.js';
export { CRANE, ensureCrane, startRegistry } from './oci/registry.js';
export type { TokenAuthFront, TokenAuthFrontOptions } from './oci/token-auth.js';
export { startTokenAuthFront } from './oci/token-auth.js';
export type { BuiltLayer, LayerCompression, LayerEntry } from './oci/layer.js';
export { compressLayer, sha256, tarLayer } from './oci/layer.js';
export type { ImageConfigInput, PushedImage, PushImageOptions } from './oci/push.js';
export { pushImage, pushIndex } from './oci/push.js';
export { staticBusybox } from './oci/busybox.js';
export { busyboxLayer, pushAppImage } from './oci/app-image.js';
export type { SlackMessage, SlackWebhookServer } from './slack/webhook-server.js';
export { startSlackWebhookServer } from './slack/webhook-server.js';
export type { FuzzInput } from './fuzz-inputs.js';
export { FUZZ_MUTATIONS, fuzzInputs } from './fuzz-inputs.js';
