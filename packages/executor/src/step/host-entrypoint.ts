/**
 * A step with neither script nor command, run with the host's tools (`--images host`, §4.2): the
 * image's config from the shipped table or `.plumbing.yaml` (model's image-config.ts), Tekton's
 * entrypoint rule over it, an Entrypoint that is a script inside the image replaced by what it
 * does (HostEntrypoint), and the image's WorkingDir and Env where the step sets none. A pulled
 * image (`--images pull`) uses its real config instead (image-step.ts).
 */
import { existsSync } from 'node:fs';
import { type EnvVar, type ImageConfig, imageConfigSetting, lookupImageConfig, type Step, tektonEntrypoint } from '@plumbing/model';
import type { HostTools } from './step-shell.js';

/** The argv the image would run for `args` (before host lookup of argv[0]), or why there is none. */
export async function hostEntrypointArgv(config: ImageConfig, args: readonly string[], tools: HostTools): Promise<string[]> {
  const argv = tektonEntrypoint(config, args);
  const he = config.HostEntrypoint;
  const ep = config.Entrypoint ?? [];
  if (!he || ep.length === 0) return argv;
  const rest = argv.slice(ep.length);
  let prepend = false;
  if (he.prepend?.length) {
    const option = rest.length === 0 || rest[0]!.startsWith('-');
    prepend = option || (he.when === 'option-or-not-command' && !(await tools.find(rest[0]!)));
  }
  return [...he.argv, ...(prepend ? he.prepend! : []), ...rest];
}

/** The config of a step's image, or a message naming the image and the `.plumbing.yaml` setting to add. */
export function stepImageConfig(image: string | undefined, own: Readonly<Record<string, ImageConfig>> | undefined): ImageConfig | { unknown: string } {
  const config = image ? lookupImageConfig(image, own) : undefined;
  if (config) return config;
  return {
    unknown: `image "${image ?? ''}" has no known entrypoint and the step has no command or script: add ${imageConfigSetting(image ?? '')}, give the step a command or a script, or run it in its pulled image (--images pull)`,
  };
}

/**
 * The image's WorkingDir and Env applied to a step that does not set them (step values win; PATH
 * stays the host's). An Env value that is an absolute path missing on this host names a file of
 * the image's own filesystem (CURL_CA_BUNDLE=/cacert.pem, GOPATH=/go), which the host's tools
 * cannot use: it is left out.
 */
export function withImageDefaults(step: Step, config: ImageConfig | undefined): Step {
  if (!config) return step;
  const own = new Set((step.env ?? []).map((e) => e.name));
  const extra: EnvVar[] = [];
  for (const kv of config.Env ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) continue;
    const name = kv.slice(0, i);
    const value = kv.slice(i + 1);
    if (name === 'PATH' || own.has(name) || (value.startsWith('/') && !existsSync(value))) continue;
    extra.push({ name, value });
  }
  const out = { ...step };
  if (extra.length) out.env = [...extra, ...(step.env ?? [])];
  if (!step.workingDir && config.WorkingDir) out.workingDir = config.WorkingDir;
  return out;
}
