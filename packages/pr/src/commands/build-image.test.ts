import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../policy.js';
import { strangerFacts } from '../trust.js';
import { buildImageCommand, buildImageReply } from './build-image.js';
import type { CommandContext } from './types.js';

const HEAD = '0123456789abcdef0123456789abcdef01234567';
const ctx = (o: Partial<CommandContext> = {}): CommandContext => ({
  policy: defaultPolicy('tektoncd'),
  repo: { owner: 'tektoncd', name: 'plumbing' },
  number: 42,
  headSha: HEAD,
  author: 'a',
  cloneUrl: 'https://github.com/tektoncd/plumbing.git',
  commenter: strangerFacts('alice'),
  commenterTrust: { trusted: true },
  code: { runnable: true, bindSecrets: true },
  jobs: [],
  runs: [],
  imageDirs: ['plumbing', 'tkn'],
  imageDirsListed: true,
  ...o,
});

describe('/build-image DIR [TAG]', () => {
  it('decides a run of pipelines/image-build with its params and the image reference', () => {
    expect(buildImageCommand.decide(['images/plumbing/', 'v1.2.3'], ctx())).toEqual({
      actions: [
        {
          kind: 'build-image',
          pipeline: 'image-build',
          image: 'ghcr.io/tektoncd/plumbing:v1.2.3',
          context: 'images/plumbing',
          bindSecrets: true,
          params: {
            'repo-url': 'https://github.com/tektoncd/plumbing.git',
            revision: HEAD,
            'repo-full-name': 'tektoncd/plumbing',
            'pull-request-number': '42',
            context: 'images/plumbing',
            image: 'ghcr.io/tektoncd/plumbing:v1.2.3',
          },
        },
      ],
    });
  });

  it('tags pr-N-sha7 by default', () => {
    const out = buildImageCommand.decide(['tkn'], ctx());
    expect('actions' in out && out.actions[0]?.kind === 'build-image' ? out.actions[0].image : out).toBe('ghcr.io/tektoncd/tkn:pr-42-0123456');
  });

  const refusals: [string, string[], Partial<CommandContext>, RegExp][] = [
    ['no DIR', [], {}, /^usage: `\/build-image DIR \[TAG\]`, DIR one of `plumbing`, `tkn`$/],
    ['too many arguments', ['plumbing', 'v1', 'extra'], {}, /^usage/],
    ['a directory that is not an image', ['docs'], {}, /^`docs` is not an image directory under `images\/` at 0123456: DIR is one of `plumbing`, `tkn`$/],
    ['a directory without a Dockerfile (probed, not listed)', ['docs'], { imageDirs: [], imageDirsListed: false }, /^`docs` is not an image directory under `images\/` at 0123456: there is no `images\/docs\/Dockerfile`$/],
    ['a path escaping the image directory', ['../packages'], {}, /is not an image directory/],
    ['a tag outside the pattern', ['plumbing', 'bad:tag'], {}, /tag `bad:tag` does not match the allowed pattern/],
    ['a tag too long for a registry', ['plumbing', 'x'.repeat(129)], {}, /does not match/],
    ['untrusted code (no registry credentials for it)', ['plumbing'], { code: { runnable: true, bindSecrets: false } }, /not trusted.*\/ok-to-test/],
  ];
  it.each(refusals)('refuses %s, saying why', (_name, args, o, why) => {
    const out = buildImageCommand.decide(args, ctx(o));
    expect('error' in out ? out.error : out).toMatch(why);
  });

  it('replies with the image and the logs link, under the marker the pipeline\'s final comment uses', () => {
    expect(buildImageReply('ghcr.io/t/p:v1', 'images/p', HEAD, 'https://ci/runs/image-build-x')).toEqual({
      marker: 'image-build',
      body: ':hammer: Building `ghcr.io/t/p:v1` from `images/p` at 0123456. [Logs](https://ci/runs/image-build-x)',
    });
  });
});
