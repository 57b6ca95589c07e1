/**
 * Tekton's credential initialisation (pkg/credentials, run by the entrypoint's creds-init): the
 * Secrets of the TaskRun's ServiceAccount annotated `tekton.dev/git-N` or `tekton.dev/docker-N`
 * become files under /tekton/creds, which each step finds in its HOME:
 * - kubernetes.io/ssh-auth + git: `.ssh/id_<secret>`, `.ssh/config` (Host, IdentityFile), `.ssh/known_hosts`;
 * - kubernetes.io/basic-auth + git: `.gitconfig` (credential helper store) and `.git-credentials`;
 * - kubernetes.io/basic-auth + docker: `.docker/config.json` auths.
 * Only what a bound Secret provides is written (no `.docker` without a docker Secret).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isMap, type ResourceDoc } from '@plumbing/model';
import { objectKeys } from './task-objects.js';

interface Bound {
  name: string;
  type: string;
  keys: Map<string, Buffer>;
  git: string[];
  docker: string[];
}

/** The ServiceAccount's annotated Secrets, in the order it lists them. */
function boundSecrets(objects: readonly ResourceDoc[] | undefined, serviceAccount: string): Bound[] {
  const sa = objects?.find((d) => d.kind === 'ServiceAccount' && d.name === serviceAccount);
  const refs = sa && isMap(sa.value) && Array.isArray(sa.value.secrets) ? sa.value.secrets.filter(isMap) : [];
  const out: Bound[] = [];
  for (const r of refs) {
    const name = String(r.name ?? '');
    const doc = objects?.find((d) => d.kind === 'Secret' && d.name === name);
    const keys = objectKeys(objects, 'Secret', name);
    if (!doc || !keys || !isMap(doc.value)) continue;
    const meta = isMap(doc.value.metadata) ? doc.value.metadata : {};
    const ann = Object.entries(isMap(meta.annotations) ? meta.annotations : {}).filter((e): e is [string, string] => typeof e[1] === 'string');
    const git = ann.filter(([k]) => /^tekton\.dev\/git-/.test(k)).map(([, v]) => v);
    const docker = ann.filter(([k]) => /^tekton\.dev\/docker-/.test(k)).map(([, v]) => v);
    if (git.length || docker.length) out.push({ name, type: String(doc.value.type ?? 'Opaque'), keys, git, docker });
  }
  return out;
}

/** `host[:port]` of an annotation value (`github.com`, `https://github.com`, `localhost:2222`). */
function hostPort(url: string): { host: string; port: string } {
  const bare = url.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const [host = bare, port = '22'] = bare.split(':');
  return { host, port };
}

function withScheme(url: string): string {
  return /^[a-z]+:\/\//.test(url) ? url : `https://${url}`;
}

/** The files (path under HOME → content) the bound Secrets give; empty when none is bound. */
export function credentialFiles(objects: readonly ResourceDoc[] | undefined, serviceAccount: string): Map<string, string> {
  const files = new Map<string, string>();
  const sshConfig: string[] = [];
  const knownHosts: string[] = [];
  const gitconfig: string[] = [];
  const gitCreds: string[] = [];
  const auths: Record<string, unknown> = {};
  for (const s of boundSecrets(objects, serviceAccount)) {
    const text = (k: string) => s.keys.get(k)?.toString('utf8') ?? '';
    if (s.type === 'kubernetes.io/ssh-auth' && s.git.length) {
      files.set(`.ssh/id_${s.name}`, text('ssh-privatekey'));
      for (const url of s.git) {
        const { host, port } = hostPort(url);
        sshConfig.push(`Host ${host}\n    HostName ${host}\n    IdentityFile ~/.ssh/id_${s.name}\n    Port ${port}\n`);
      }
      if (s.keys.has('known_hosts')) knownHosts.push(text('known_hosts'));
    } else if (s.type === 'kubernetes.io/basic-auth') {
      for (const url of s.git) {
        const u = new URL(withScheme(url));
        gitconfig.push(`[credential "${u.origin}"]\n    username = ${text('username')}\n`);
        gitCreds.push(`${u.protocol}//${encodeURIComponent(text('username'))}:${encodeURIComponent(text('password'))}@${u.host}\n`);
      }
      for (const url of s.docker) {
        const auth = Buffer.from(`${text('username')}:${text('password')}`).toString('base64');
        auths[url] = { username: text('username'), password: text('password'), auth };
      }
    }
  }
  if (sshConfig.length) files.set('.ssh/config', sshConfig.join(''));
  if (knownHosts.length) files.set('.ssh/known_hosts', knownHosts.join('\n'));
  if (gitconfig.length) files.set('.gitconfig', `[credential]\n    helper = store\n${gitconfig.join('')}`);
  if (gitCreds.length) files.set('.git-credentials', gitCreds.join(''));
  if (Object.keys(auths).length) files.set('.docker/config.json', JSON.stringify({ auths }));
  return files;
}

/** Writes the credential files under `dir` (a step's HOME), owner-only. Returns whether any was written. */
export async function writeCredentials(dir: string, files: ReadonlyMap<string, string>): Promise<boolean> {
  for (const [rel, content] of files) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, content, { mode: 0o600 });
  }
  return files.size > 0;
}
