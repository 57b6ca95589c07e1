// /build-image DIR [TAG]: builds one of the repository's images (a directory under the policy's
// image directory, `images/` here) at the head commit through the image-build pipeline. The
// seed's chat bot did this with "No validation here"; here DIR must be an image directory of the
// head commit and TAG must match the policy's pattern.

import type { Command, CommandContext, CommandOutcome } from './types.js';

/** `plumbing`, `images/plumbing` and `images/plumbing/` all name the image directory `plumbing`. */
function imageName(arg: string, dir: string): string {
  const trimmed = arg.replace(/\/+$/, '');
  return trimmed.startsWith(`${dir}/`) ? trimmed.slice(dir.length + 1) : trimmed;
}

function decide(args: readonly string[], ctx: CommandContext): CommandOutcome {
  const { images } = ctx.policy;
  const [dirArg, tagArg, ...rest] = args;
  if (dirArg === undefined || rest.length > 0) {
    return { error: `usage: \`/build-image DIR [TAG]\`, DIR ${ctx.imageDirsListed ? `one of ${list(ctx.imageDirs)}` : `a directory under \`${images.dir}/\` with a Dockerfile`}` };
  }
  const name = imageName(dirArg, images.dir);
  if (!ctx.imageDirs.includes(name)) {
    const which = ctx.imageDirsListed ? `DIR is one of ${list(ctx.imageDirs)}` : `there is no \`${images.dir}/${name}/Dockerfile\``;
    return { error: `\`${dirArg}\` is not an image directory under \`${images.dir}/\` at ${ctx.headSha.slice(0, 7)}: ${which}` };
  }
  const tag = tagArg ?? `pr-${ctx.number}-${ctx.headSha.slice(0, 7)}`;
  if (!new RegExp(images.tagPattern).test(tag)) return { error: `tag \`${tagArg}\` does not match the allowed pattern \`${images.tagPattern}\`` };
  if (!ctx.code.bindSecrets) {
    return { error: `the code at ${ctx.headSha.slice(0, 7)} is not trusted, and an image build needs the registry credentials: a trusted user must comment \`/ok-to-test\` first` };
  }
  const image = `${images.registry}/${name}:${tag}`;
  const context = `${images.dir}/${name}`;
  const params = {
    'repo-url': ctx.cloneUrl,
    revision: ctx.headSha,
    'repo-full-name': `${ctx.repo.owner}/${ctx.repo.name}`,
    'pull-request-number': String(ctx.number),
    context,
    image,
  };
  return { actions: [{ kind: 'build-image', pipeline: images.pipeline, image, context, params, bindSecrets: true }] };
}

const list = (dirs: readonly string[]) => (dirs.length ? dirs.map((d) => `\`${d}\``).join(', ') : '(none: the repository has no image directories)');

export const buildImageCommand: Command = { name: 'build-image', usage: '/build-image DIR [TAG]', decide };

/** The reply once the build's run exists: the image and the link to its logs (the pipeline's own final comment, same marker, replaces it). */
export function buildImageReply(image: string, context: string, sha: string, logsUrl: string): { marker: string; body: string } {
  return { marker: 'image-build', body: `:hammer: Building \`${image}\` from \`${context}\` at ${sha.slice(0, 7)}. [Logs](${logsUrl})` };
}
