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

/** A Kubernetes object as read from a run's files (ServiceAccounts and Secrets matter here). */
export interface KubeObject {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  imagePullSecrets?: { name?: string }[];
  secrets?: { name?: string }[];
}

/**
 * The registry credentials a pod of ServiceAccount `name` pulls with: its `imagePullSecrets` and
 * `secrets` that are docker-config Secrets (kubernetes.io/dockerconfigjson, kubernetes.io/dockercfg)
 * or, as Tekton's creds-init reads them, basic-auth Secrets annotated `tekton.dev/docker-*: <registry>`.
 * `missing` lists Secret names the ServiceAccount names but the objects lack (a pod pulls without them).
 */
export function serviceAccountCredentials(objects: readonly KubeObject[], name: string): { credentials: Map<string, Credential>; missing: string[] } {
  const credentials = new Map<string, Credential>();
  const missing: string[] = [];
  const sa = objects.find((o) => o.kind === 'ServiceAccount' && o.metadata?.name === name);
  if (!sa) return { credentials, missing };
  const names = [...(sa.imagePullSecrets ?? []), ...(sa.secrets ?? [])].map((r) => r.name).filter((n): n is string => typeof n === 'string');
  for (const secretName of new Set(names)) {
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata?.name === secretName);
    if (!secret) {
      missing.push(secretName);
      continue;
    }
    for (const [k, v] of secretCredentials(secret, `Secret ${secretName}`)) if (!credentials.has(k)) credentials.set(k, v);
  }
  return { credentials, missing };
}

function secretValue(s: KubeObject, key: string): string | undefined {
  if (s.stringData?.[key] !== undefined) return s.stringData[key];
  const b64 = s.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

function secretCredentials(s: KubeObject, what: string): Map<string, Credential> {
  if (s.type === 'kubernetes.io/dockerconfigjson') return parseDockerConfig(secretValue(s, '.dockerconfigjson') ?? '{}', `${what} (.dockerconfigjson)`);
  if (s.type === 'kubernetes.io/dockercfg') return parseDockerConfig(secretValue(s, '.dockercfg') ?? '{}', `${what} (.dockercfg)`);
  const out = new Map<string, Credential>();
  if (s.type !== 'kubernetes.io/basic-auth') return out;
  const username = secretValue(s, 'username');
  const password = secretValue(s, 'password');
  if (!username || password === undefined) return out;
  for (const [k, v] of Object.entries(s.metadata?.annotations ?? {})) {
    if (/^tekton\.dev\/docker-/.test(k)) out.set(registryKey(v), { username, password });
  }
  return out;
}
