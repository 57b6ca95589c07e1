/**
 * Layer file ownership. As real root (this machine, CI) the layers' uid/gid are kept: unpack
 * lchowns each entry, the run's image namespace maps every id onto itself (ImageNamespace), and
 * a step whose User is not root switches to it inside bwrap, after bwrap's mounts, with the
 * host's `setpriv` (util-linux) run through the host's dynamic loader from a hidden directory
 * (`/.plumbing-uid`): bwrap 0.8's own `--uid` is a nested user namespace that maps one id, in
 * which every other owner is nobody. Not root: files belong to the unpacking user and the step's
 * user is mapped onto it (an approximation that the executor reports).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BindMount } from './run-args.js';

let keeps: boolean | undefined;

/**
 * Whether this process keeps layer owners (unpack lchowns, identity-mapped image namespace): it
 * is root with every id mapped (the host's root, not root of a user namespace such as rootless
 * Docker's, which could not chown to ids outside its map).
 */
export function keepsOwners(): boolean {
  keeps ??= process.getuid?.() === 0 && isFullIdentityMap(readFileOr('/proc/self/uid_map')) && isFullIdentityMap(readFileOr('/proc/self/gid_map'));
  return keeps;
}

function readFileOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `/proc/<pid>/uid_map` text that maps all 2^32-1 ids onto themselves. */
export function isFullIdentityMap(text: string): boolean {
  const rows = text.trim().split('\n').map((l) => l.trim().split(/\s+/));
  return rows.length === 1 && rows[0]?.join(' ') === '0 0 4294967295';
}

/** The step's path of the uid switcher's files. */
const SWITCH_DIR = '/.plumbing-uid';

/** Switches a step to its non-root User inside the sandbox (host setpriv, its loader and libraries bound in). */
export interface UidSwitch {
  mounts: BindMount[];
  /** Argv prefix that runs the rest as uid:gid, without supplementary groups. */
  prefix(uid: number, gid: number): string[];
}

/** `ldd` output → the interpreter and the libraries it names. */
export function parseLdd(out: string): { interpreter?: string; libs: string[] } {
  let interpreter: string | undefined;
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const arrow = /=>\s*(\/\S+)/.exec(line);
    if (arrow?.[1]) libs.push(arrow[1]);
    else {
      const bare = /^\s*(\/\S+)\s+\(/.exec(line);
      if (bare?.[1]) interpreter = bare[1];
    }
  }
  return interpreter ? { interpreter, libs } : { libs };
}

/** The host's setpriv as a uid switcher for steps, or undefined when it or ldd is missing. */
export async function findUidSwitch(setpriv: string | undefined): Promise<UidSwitch | undefined> {
  if (!setpriv) return undefined;
  const out = await new Promise<string | undefined>((resolve) => execFile('ldd', [setpriv], (err, stdout) => resolve(err ? undefined : stdout)));
  if (out === undefined) return undefined;
  const { interpreter, libs } = parseLdd(out);
  if (!interpreter) return undefined;
  const lib = `${SWITCH_DIR}/lib`;
  const mounts: BindMount[] = [
    { target: `${SWITCH_DIR}/setpriv`, source: setpriv, readOnly: true },
    ...[interpreter, ...libs].map((source) => ({ target: `${lib}/${basename(source)}`, source, readOnly: true })),
  ];
  const loader = `${lib}/${basename(interpreter)}`;
  return {
    mounts,
    prefix: (uid, gid) => [loader, '--library-path', lib, `${SWITCH_DIR}/setpriv`, '--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--'],
  };
}
