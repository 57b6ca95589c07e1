import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';

/** A container image reference split into its parts (distribution/reference grammar, loosely). */
export interface ImageRef {
  /** Registry host (with port) when the first component looks like one. */
  host: string | undefined;
  /** Repository path without host. */
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const DIGEST_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Splits an image reference; never throws. */
export function parseImageRef(image: string): ImageRef {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let host: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      host = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { host, path: rest, tag, digest };
}

/** Why a reference is malformed, or undefined when it is well-formed. */
export function imageRefError(image: string, ref: ImageRef = parseImageRef(image)): string | undefined {
  if (image.trim() !== image || image === '') return 'an image reference cannot be empty or have surrounding spaces';
  if (ref.host !== undefined && !HOST.test(ref.host)) return `invalid registry host "${ref.host}"`;
  if (ref.path === '') return 'missing repository name';
  for (const c of ref.path.split('/')) {
    if (!PATH_COMPONENT.test(c)) return `invalid repository name component "${c}" (lower case letters, digits and separators only)`;
  }
  if (ref.tag !== undefined && !TAG.test(ref.tag)) return `invalid tag "${ref.tag}"`;
  if (ref.digest !== undefined) {
    if (!DIGEST.test(ref.digest)) return `invalid digest "${ref.digest}"`;
    const [alg, hex] = ref.digest.split(':') as [string, string];
    const want = DIGEST_LENGTHS[alg];
    if (want !== undefined && hex.length !== want) return `invalid digest "${ref.digest}": ${alg} needs ${want} hex digits, found ${hex.length}`;
  }
  return undefined;
}

/**
 * IMAGE_INVALID_REFERENCE, IMAGE_UNPINNED, IMAGE_NOT_FULLY_QUALIFIED and IMAGE_DIGEST_WITHOUT_TAG for the image at
 * `path` (a step, sidecar, stepTemplate or StepAction `image`). Images built from variables (`$(params.image)`)
 * are not checked: their value is only known at run time.
 */
export function checkImage(ctx: DocContext, image: unknown, path: NodePath): void {
  if (typeof image !== 'string' || image === '' || image.includes('$(')) return;
  const ref = parseImageRef(image);
  const err = imageRefError(image, ref);
  if (err) {
    ctx.report('IMAGE_INVALID_REFERENCE', path, `invalid image reference "${image}": ${err}`);
    return;
  }
  if (ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest')) {
    ctx.report('IMAGE_UNPINNED', path, ref.tag === 'latest' ? `image "${image}" uses the :latest tag` : `image "${image}" has no tag (defaults to :latest)`, {
      hint: 'pin a version tag and, better, a digest: name:1.2.3@sha256:...',
    });
  }
  if (ref.host === undefined) {
    ctx.report('IMAGE_NOT_FULLY_QUALIFIED', path, `image "${image}" has no registry host (resolved against docker.io)`, { hint: `write docker.io/${ref.path.includes('/') ? '' : 'library/'}${image}` });
  }
  if (ref.digest !== undefined && ref.tag === undefined) {
    ctx.report('IMAGE_DIGEST_WITHOUT_TAG', path, `image "${image}" is pinned by digest without a version tag`, { hint: 'keep a readable version: name:1.2.3@sha256:...' });
  }
}
