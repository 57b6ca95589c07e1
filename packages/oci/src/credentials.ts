/**
 * Registry credentials from Docker config files: `$DOCKER_CONFIG/config.json` (else
 * `~/.docker/config.json`) and docker-config Secret files (`.dockerconfigjson`, or the older
 * `.dockercfg` form) that a TaskRun's service account or workspace carries. Values never reach a
 * log or an error message.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import { DOCKER_HUB } from './reference.js';

export interface Credential {
  username: string;
  password: string;
}

/** Registry host → credential (first file wins for a host). */
export type CredentialStore = ReadonlyMap<string, Credential>;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

/** `https://index.docker.io/v1/`, `http://host:5000/v2/`, `host:5000` → the registry host (docker.io for Hub). */
export function registryKey(key: string): string {
  const host = key.replace(/^https?:\/\//, '').split('/')[0] ?? key;
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

function entryCredential(e: AuthEntry): Credential | undefined {
  if (e.auth) {
    const text = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = text.indexOf(':');
    if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
  }
  if (e.username && e.password) return { username: e.username, password: e.password };
  if (e.identitytoken) return { username: '<token>', password: e.identitytoken };
  return undefined;
}

/** Credentials in one config text: `{auths: {...}}` (config.json, .dockerconfigjson) or the flat .dockercfg map. */
export function parseDockerConfig(text: string, file: string): Map<string, Credential> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PlumbingError('OCI_CREDENTIALS_INVALID', `${file} is not JSON`, { cause: err });
  }
  const root = (doc ?? {}) as { auths?: Record<string, AuthEntry> };
  const auths = root.auths ?? (root as Record<string, AuthEntry>);
  const out = new Map<string, Credential>();
  for (const [key, entry] of Object.entries(auths)) {
    if (!entry || typeof entry !== 'object') continue;
    const cred = entryCredential(entry);
    if (cred && !out.has(registryKey(key))) out.set(registryKey(key), cred);
  }
  return out;
}

/** The user's Docker config file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/**
 * All credentials: the given Secret files first (a run's own Secrets win), then the user's
 * Docker config. A missing user config is no error; a named Secret file that is missing is.
 */
export function loadCredentials(secretFiles: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): CredentialStore {
  const store = new Map<string, Credential>();
  const add = (m: Map<string, Credential>): void => {
    for (const [k, v] of m) if (!store.has(k)) store.set(k, v);
  };
  for (const file of secretFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new PlumbingError('OCI_CREDENTIALS_INVALID', `cannot read docker-config Secret file ${file}`, { cause: err });
    }
    add(parseDockerConfig(text, file));
  }
  const user = dockerConfigPath(env);
  let text: string | undefined;
  try {
    text = readFileSync(user, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) add(parseDockerConfig(text, user));
  return store;
}
