/** OCI platforms (`linux/amd64`, `linux/arm64/v8`) and this machine's. */
import { arch } from 'node:os';
import { PlumbingError } from '@plumbing/model';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const GO_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The platform of this machine (containers are Linux; arm64 is v8). */
export function hostPlatform(): Platform {
  const architecture = GO_ARCH[arch()] ?? arch();
  return architecture === 'arm64' ? { os: 'linux', architecture, variant: 'v8' } : { os: 'linux', architecture };
}

/** Parses `os/arch[/variant]` (the `--platform` flag). */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) {
    throw new PlumbingError('OCI_PLATFORM_INVALID', `invalid platform "${text}" (want os/arch or os/arch/variant, e.g. linux/arm64/v8)`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Whether an index entry's platform serves the wanted one (arm64 without variant means v8). */
export function platformMatches(entry: Platform | undefined, want: Platform): boolean {
  if (!entry || entry.os !== want.os || entry.architecture !== want.architecture) return false;
  const norm = (p: Platform): string | undefined => p.variant ?? (p.architecture === 'arm64' ? 'v8' : undefined);
  return want.variant === undefined || norm(entry) === norm(want);
}
