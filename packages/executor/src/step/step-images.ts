/**
 * Which steps run in their image and which with the host's tools (`--images`):
 *   auto   (plumbing run's default) pull when the image's registry is reachable, else host tools
 *          with a warning; a pull that fails for another reason (denied, not found, corrupt) fails
 *          the step;
 *   pull   always pull (tags are resolved again; layers come from the cache);
 *   local  only images already in the cache (`plumbing images pull`), never the network;
 *   host   today's behaviour: the host's tools, whatever the image.
 * `offline` turns auto into local-else-host. One pull per image per process, shared by all steps,
 * and one image namespace (ImageNamespace: where the steps' overlays are mounted, the next one ahead
 * of each image's steps) per process.
 * A TaskRun's ServiceAccount may carry registry credentials (its docker-config Secrets, from the
 * run's files): they come before the user's, and its pulls are its own.
 */
import { type CredentialStore, detectImageSandbox, ImageNamespace, type ImageSandbox, loadCredentials, localImage, type PulledImage, type PullOptions, pullImage } from '@plumbing/oci';
import { PlumbingError } from '@plumbing/model';

type ImageNamespaceTools = Parameters<typeof ImageNamespace.start>[0];

export type ImageMode = 'auto' | 'pull' | 'local' | 'host';

export type ImageChoice =
  | { kind: 'image'; image: PulledImage; sandbox: Extract<ImageSandbox, { available: true }>; source: 'pulled' | 'cached' }
  | { kind: 'host'; reason: string; warn: boolean }
  | { kind: 'error'; error: PlumbingError };

export interface StepImagesOptions extends Omit<PullOptions, 'log'> {
  mode: ImageMode;
  offline?: boolean;
}

export class StepImages {
  private readonly choices = new Map<string, Promise<ImageChoice>>();
  private readonly warned = new Set<string>();
  private ns: Promise<ImageNamespace> | undefined;
  private accounts: ReadonlyMap<string, CredentialStore> = new Map();

  constructor(private readonly opts: StepImagesOptions) {}

  get mode(): ImageMode {
    return this.opts.mode;
  }

  /** True the first time it is asked for an image: its fallback warning is printed once. */
  firstWarning(image: string): boolean {
    if (this.warned.has(image)) return false;
    this.warned.add(image);
    return true;
  }

  /** Registry credentials of the ServiceAccounts in the run's files (name → credentials). */
  useServiceAccounts(accounts: ReadonlyMap<string, CredentialStore>): void {
    this.accounts = accounts;
  }

  /** The choice for an image reference (memoized per image and ServiceAccount credentials: concurrent steps share one pull). */
  choose(image: string, serviceAccount = 'default'): Promise<ImageChoice> {
    const own = this.accounts.get(serviceAccount);
    const key = own?.size ? `${serviceAccount}\n${image}` : image;
    let c = this.choices.get(key);
    if (!c) {
      c = this.decide(image, own?.size ? new Map([...(this.opts.credentials ?? loadCredentials()), ...own]) : this.opts.credentials);
      this.choices.set(key, c);
    }
    return c;
  }

  /** The namespace the image steps' overlays are mounted in (started on first use, again if it ended). */
  async namespace(tools: ImageNamespaceTools): Promise<ImageNamespace> {
    const current = this.ns ? await this.ns.catch(() => undefined) : undefined;
    if (current?.alive) return current;
    // an ended one still has its overlays' directories to remove
    void current?.close().catch(() => undefined);
    this.ns = ImageNamespace.start(tools);
    return this.ns;
  }

  /** Ends the image namespace (steps still running in it keep it until they exit). */
  async close(): Promise<void> {
    const ns = this.ns;
    this.ns = undefined;
    await (await ns?.catch(() => undefined))?.close();
  }

  private async decide(image: string, credentials: CredentialStore | undefined): Promise<ImageChoice> {
    const { mode, offline } = this.opts;
    if (mode === 'host') return { kind: 'host', reason: '--images host', warn: false };
    const sandbox = await detectImageSandbox();
    if (!sandbox.available) {
      if (mode === 'auto') return { kind: 'host', reason: sandbox.reason, warn: true };
      return { kind: 'error', error: new PlumbingError('OCI_SANDBOX_UNAVAILABLE', `cannot run steps in image ${image}: ${sandbox.reason}`, { hint: 'run with --images host' }) };
    }
    try {
      if (mode === 'local' || offline) {
        const found = await localImage(image, this.opts.cache);
        if (found) return { kind: 'image', image: found, sandbox, source: 'cached' };
        if (mode === 'auto') return { kind: 'host', reason: `${image} is not in the image cache and --offline keeps off the network`, warn: true };
        return { kind: 'error', error: new PlumbingError('OCI_IMAGE_NOT_CACHED', `image ${image} is not in the image cache (--images local)`, { hint: `plumbing images pull ${image}, or run with --images host` }) };
      }
      const pulled = await pullImage(image, credentials ? { ...this.opts, credentials } : this.opts);
      return { kind: 'image', image: pulled, sandbox, source: pulled.cached ? 'cached' : 'pulled' };
    } catch (err) {
      const e = err instanceof PlumbingError ? err : new PlumbingError('OCI_PULL_FAILED', `pulling ${image} failed: ${(err as Error).message}`, { cause: err });
      if (mode === 'auto' && e.code === 'OCI_REGISTRY_UNREACHABLE') return { kind: 'host', reason: e.message, warn: true };
      return { kind: 'error', error: e };
    }
  }
}
