/**
 * Sessions as sealed cookies: the session (login, the user's GitHub token, the CSRF token, expiry)
 * is encrypted and authenticated with AES-256-GCM under a key derived from the configured
 * session secret, so the cookie is both signed and unreadable (the user's token never appears in
 * a page or in clear text). Cookies are HttpOnly and SameSite=Lax; Secure on an https public URL.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'plumbing_session';
export const STATE_COOKIE = 'plumbing_oauth';
export const SESSION_HOURS = 12;

export interface Session {
  login: string;
  /** The user's OAuth token: used only to ask GitHub about this user's permissions. */
  token: string;
  csrf: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export class Sealer {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHash('sha256').update(`plumbing-dashboard-session\n${secret}`).digest();
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
  }

  /** The value, or undefined when the cookie was not sealed with this key or was altered. */
  open(sealed: string): unknown {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < 29) return undefined;
      const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(12, 28));
      return JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

export function cookieHeader(name: string, value: string, o: { maxAgeS: number; secure: boolean }): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${o.maxAgeS}${o.secure ? '; Secure' : ''}`;
}

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readSession(sealer: Sealer, req: IncomingMessage, now: number): Session | undefined {
  const raw = cookies(req).get(SESSION_COOKIE);
  const v = raw ? sealer.open(raw) : undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Partial<Session>;
  if (typeof s.login !== 'string' || typeof s.token !== 'string' || typeof s.csrf !== 'string' || typeof s.exp !== 'number' || s.exp <= now) return undefined;
  return { login: s.login, token: s.token, csrf: s.csrf, exp: s.exp };
}
