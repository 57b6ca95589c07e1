/**
 * What a step's image would run, on this host (§4.2, §4.6): the shell of an image family for
 * scripts without a shebang, the interpreter of a shebang, the image's entrypoint when a step has
 * neither script nor command. Images are shown, never pulled.
 */
import { access, constants } from 'node:fs/promises';

/** The PATH a step sees (the usual container default). */
export const STEP_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type ImageFamily = 'busybox' | 'bash-sh' | 'debian' | 'other';

/** The repository's last path component, without tag or digest: `docker.io/library/alpine:3@sha256:..` → `alpine`. */
export function imageBaseName(image: string | undefined): string {
  if (!image) return '';
  let s = image.split('@')[0]!;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  return s.slice(slash + 1).toLowerCase();
}

/**
 * The family of an image's /bin/sh: busybox ash for alpine, busybox and the docker `bash` image
 * (alpine-based, §4.6); bash for the RHEL family (fedora, centos, ubi, rocky, alma, amazonlinux,
 * oraclelinux), whose /bin/sh is bash; dash for debian/ubuntu; sh otherwise.
 */
export function imageFamily(image: string | undefined): ImageFamily {
  const name = imageBaseName(image);
  if (/^(alpine|busybox|bash)$/.test(name) || name.startsWith('alpine') || name.endsWith('-alpine')) return 'busybox';
  if (image && /(^|[-:/])alpine/.test(image)) return 'busybox';
  if (/^(fedora|centos|ubi\d*(-minimal|-micro)?|rockylinux|almalinux|amazonlinux|oraclelinux|rhel)$/.test(name)) return 'bash-sh';
  if (/^(debian|ubuntu)$/.test(name)) return 'debian';
  return 'other';
}

/** Looks tools up on the step PATH, once per name. */
export class HostTools {
  readonly #cache = new Map<string, Promise<string | undefined>>();

  /** Absolute host path of a tool given by name or path, or undefined when missing; `first` is searched before the step PATH. */
  find(tool: string, first?: string): Promise<string | undefined> {
    const key = first ? `${first}\u0000${tool}` : tool;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#lookup(tool, first);
      this.#cache.set(key, p);
    }
    return p;
  }

  async #lookup(tool: string, first?: string): Promise<string | undefined> {
    const dirs = first ? [first, ...STEP_PATH.split(':')] : STEP_PATH.split(':');
    const candidates = tool.includes('/') ? [tool] : dirs.map((d) => `${d}/${tool}`);
    for (const c of candidates) {
      try {
        await access(c, constants.X_OK);
        return c;
      } catch {
        // next
      }
    }
    return undefined;
  }
}

/** The argv prefix (before the script path) that runs a script, or the missing tool. */
export type Interpreter = { argv: string[]; shown: string } | { missing: string; shown: string };

const SH_NAMES = new Set(['sh', 'ash']);

/**
 * Maps an interpreter as the image would resolve it (`/bin/sh`, `/usr/bin/env python3`, `ash`)
 * to a host command: `sh`/`ash` in busybox-family images ⇒ `busybox sh`; `ash` anywhere ⇒
 * busybox; `sh` in RHEL-family images ⇒ bash; other `sh` ⇒ the host's /bin/sh (dash);
 * anything else by absolute path if present, else by name on the step PATH.
 */
export async function resolveInterpreter(tools: HostTools, family: ImageFamily, interp: string, interpArgs: string[]): Promise<Interpreter> {
  let name = interp;
  let args = interpArgs;
  if (/(^|\/)env$/.test(interp) && interpArgs.length > 0) {
    // `#!/usr/bin/env [-S] tool args`
    const rest = interpArgs[0] === '-S' ? interpArgs.slice(1) : interpArgs;
    name = rest[0]!;
    args = rest.slice(1);
  }
  const base = name.slice(name.lastIndexOf('/') + 1);
  const shown = [name, ...args].join(' ');
  if (SH_NAMES.has(base) && (family === 'busybox' || base === 'ash')) {
    const bb = await tools.find('busybox');
    return bb ? { argv: [bb, base === 'ash' ? 'ash' : 'sh', ...args], shown: 'busybox sh' } : { missing: 'busybox', shown };
  }
  if (base === 'sh' && family === 'bash-sh') {
    const bash = await tools.find('bash');
    return bash ? { argv: [bash, ...args], shown: 'bash' } : { missing: 'bash', shown };
  }
  const found = (name.startsWith('/') ? await tools.find(name) : undefined) ?? (await tools.find(base));
  return found ? { argv: [found, ...args], shown } : { missing: base, shown };
}

/** Splits a shebang line `#!/bin/sh -e` into interpreter and args (Linux passes one arg; env -S splits). */
export function parseShebang(script: string): { interp: string; args: string[] } | undefined {
  const trimmed = script.replace(/^\s+/, '');
  if (!trimmed.startsWith('#!')) return undefined;
  const line = trimmed.slice(2).split('\n', 1)[0]!.trim();
  const parts = line.split(/\s+/).filter(Boolean);
  if (!parts.length) return undefined;
  return { interp: parts[0]!, args: parts.slice(1) };
}

/** Tekton's default preamble for a script without a shebang (pkg/pod/script.go). */
export const DEFAULT_SCRIPT_PREAMBLE = '#!/bin/sh\nset -e\n';
