/**
 * GitHub access of the service, through the one GitHub port (@plumbing/github): a token (commit
 * statuses) or a GitHub App (app JWT → installation token per repository owner; check runs).
 * Without either, nothing is sent: statuses are logged and the trust check cannot ask GitHub.
 */
import { appInstallationFor, createGitHub, type GitHub } from '@plumbing/github';
import type { SecretReader } from '../triggers/cel-env.js';
import type { ServeSettings } from './config.js';

export interface GitHubAccess {
  /** `statuses` with a token, `checks` as a GitHub App. */
  mode: 'statuses' | 'checks';
  /** The client for a repository ("owner/name"): a GitHub App's installation on its owner. */
  forRepository(repository: string): Promise<GitHub>;
}

function appAccess(settings: ServeSettings, secrets: SecretReader, log: (l: string) => void): GitHubAccess | undefined {
  const app = settings.githubApp!;
  const privateKey = secrets(app.privateKey.name, app.privateKey.key);
  if (!privateKey) {
    log(`warning: spec.serve.githubApp: the private key secret ${app.privateKey.name}/${app.privateKey.key} is not in --secrets: no check runs are sent`);
    return undefined;
  }
  const byOwner = new Map<string, Promise<GitHub>>();
  const baseUrl = settings.githubApiUrl;
  const client = async (repository: string): Promise<GitHub> => {
    const installationId = app.installationId ?? (await appInstallationFor({ appId: app.appId, privateKey }, repository, { baseUrl }));
    return createGitHub({ auth: { app: { appId: app.appId, privateKey, installationId } }, baseUrl });
  };
  return {
    mode: 'checks',
    forRepository(repository) {
      const owner = repository.split('/')[0]?.toLowerCase() ?? '';
      let gh = byOwner.get(owner);
      if (!gh) {
        gh = client(repository);
        byOwner.set(owner, gh);
        // A failed lookup (App not installed yet) is tried again next time.
        gh.catch(() => byOwner.delete(owner));
      }
      return gh;
    },
  };
}

/** The service's GitHub access from its settings and secrets, or undefined (with one warning) when it has none. */
export function githubAccess(settings: ServeSettings, secrets: SecretReader, log: (l: string) => void): GitHubAccess | undefined {
  if (settings.githubApp) {
    const app = appAccess(settings, secrets, log);
    if (app) return app;
  }
  const ref = settings.githubToken;
  const token = ref ? secrets(ref.name, ref.key) : undefined;
  if (token) {
    const gh = createGitHub({ auth: { token }, baseUrl: settings.githubApiUrl });
    return { mode: 'statuses', forRepository: async () => gh };
  }
  if (!settings.githubApp) {
    const why = ref ? `secret ${ref.name}/${ref.key} not in --secrets` : 'spec.serve.githubTokenSecret unset';
    log(`warning: no GitHub token (${why}): commit statuses are logged here, not sent; pull requests are not trust-checked, so their runs get no secrets`);
  }
  return undefined;
}
