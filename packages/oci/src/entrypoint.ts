/**
 * What a step in an image runs, with what environment, where and as whom: Kubernetes' rules over
 * the image config (Tekton adds nothing for a step with `command`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlumbingError } from '@plumbing/model';
import type { ImageRecord } from './image-record.js';

/** The PATH a runtime gives a container whose image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

type Config = ImageRecord['config'];

/**
 * Kubernetes' entrypoint rules: `command` replaces the image's Entrypoint (and its Cmd is dropped);
 * without `command`, Entrypoint runs with `args`, or with the image's Cmd when there are no `args`.
 */
export function imageArgv(config: Config, command: readonly string[] | undefined, args: readonly string[] | undefined, image: string): string[] {
  let argv: string[];
  if (command?.length) argv = [...command, ...(args ?? [])];
  else if (args?.length) argv = [...(config.Entrypoint ?? []), ...args];
  else argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (argv.length === 0) {
    throw new PlumbingError('OCI_NO_ENTRYPOINT', `image ${image} has no Entrypoint or Cmd and the step has no command`, { hint: 'give the step a command or a script' });
  }
  return argv;
}

/** The image's Env (with the default PATH when it sets none), as a map. */
export function imageEnv(config: Config): Map<string, string> {
  const env = new Map<string, string>([['PATH', DEFAULT_PATH]]);
  for (const kv of config.Env ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) env.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return env;
}

export interface ImageUser {
  uid: number;
  gid: number;
  /** Home directory from the image's /etc/passwd (`/` when it has none, `/root` for root). */
  home: string;
}

function table(rootfs: string, file: string): string[][] {
  try {
    return readFileSync(join(rootfs, 'etc', file), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Resolves the image's `User` (`name`, `uid`, `name:group`, `uid:gid`) against its /etc/passwd and /etc/group. */
export function resolveUser(rootfs: string, spec: string | undefined, image: string): ImageUser {
  const [userPart = '', groupPart] = (spec ?? '').split(':');
  const passwd = table(rootfs, 'passwd');
  const numeric = /^\d+$/.test(userPart);
  const entry = userPart === '' ? passwd.find((p) => p[2] === '0') : passwd.find((p) => (numeric ? p[2] === userPart : p[0] === userPart));
  if (!entry && userPart !== '' && !numeric) {
    throw new PlumbingError('OCI_USER_UNKNOWN', `image ${image}: user "${userPart}" is not in its /etc/passwd`);
  }
  const uid = userPart === '' ? 0 : numeric ? Number(userPart) : Number(entry?.[2]);
  let gid = entry ? Number(entry[3]) : uid === 0 ? 0 : uid;
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const g = table(rootfs, 'group').find((row) => row[0] === groupPart);
      if (!g) throw new PlumbingError('OCI_USER_UNKNOWN', `image ${image}: group "${groupPart}" is not in its /etc/group`);
      gid = Number(g[2]);
    }
  }
  const home = entry?.[5] || (uid === 0 ? '/root' : '/');
  return { uid, gid, home };
}
