// Who a request is: the server's token, an installation token a GitHub App got, an OAuth user
// token, or the App itself (an RS256 JWT, verified against the App's public key as GitHub does).

import { createPublicKey, generateKeyPair, type KeyObject, randomBytes, verify } from 'node:crypto';
import { ApiError } from './http.js';

export interface Actor {
  kind: 'token' | 'installation' | 'user' | 'app';
  /** The login things are created as (`<slug>[bot]` for an installation). */
  login: string;
  installationId?: number;
}

export interface AppOptions {
  /** The App's id (JWT `iss`). Default 1. */
  id?: number;
  slug?: string;
  /** The App's key (PEM); its public half verifies JWTs. Default: a fresh 2048-bit RSA key. */
  privateKey?: string;
  /** Installations: id and the account (org or user) it is installed on. Default: id 1 on every account. */
  installations?: { id: number; account: string }[];
}

export interface AppInfo {
  id: number;
  slug: string;
  /** PEM (PKCS#1, as GitHub hands it out): give it to the code under test. */
  privateKey: string;
  installations: { id: number; account: string }[];
}

export interface OAuthAppInfo {
  clientId: string;
  clientSecret: string;
}

const hex = (n: number) => randomBytes(n).toString('hex');
/** GitHub's lifetimes: an installation token lasts an hour, an OAuth code ten minutes. */
export const INSTALLATION_TOKEN_TTL_MS = 60 * 60 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;

let defaultKey: Promise<string> | undefined;

/**
 * One RSA key per test process for the Apps that bring none: made in the background (an RSA-2048
 * key costs a second of CPU on a busy machine), and the same for every server of the process.
 */
function defaultAppKey(): Promise<string> {
  defaultKey ??= new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, key) => (err ? reject(err) : resolve(key.export({ type: 'pkcs1', format: 'pem' }).toString()))),
  );
  return defaultKey;
}

export async function makeApp(o: AppOptions): Promise<AppInfo & { publicKey: KeyObject }> {
  const privateKey = o.privateKey ?? (await defaultAppKey());
  return { id: o.id ?? 1, slug: o.slug ?? 'plumbing-ci', privateKey, publicKey: createPublicKey(privateKey), installations: o.installations ?? [{ id: 1, account: '*' }] };
}

const JWT_UNDECODABLE = 'A JSON web token could not be decoded';

function decodePart(part: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new ApiError(401, JWT_UNDECODABLE);
}

/** Verifies an App JWT as GitHub does (RS256 signature, iss, exp in the future and at most 10 minutes ahead, iat not ahead). */
export function verifyAppJwt(jwt: string, app: { id: number; publicKey: KeyObject }, nowMs: number): void {
  const [h, p, sig] = jwt.split('.');
  const header = decodePart(h);
  const payload = decodePart(p);
  if (header['alg'] !== 'RS256' || !sig || !verify('sha256', Buffer.from(`${h}.${p}`), app.publicKey, Buffer.from(sig, 'base64url'))) {
    throw new ApiError(401, JWT_UNDECODABLE);
  }
  const now = Math.floor(nowMs / 1000);
  const { exp, iat, iss } = payload;
  if (typeof iat !== 'number' || iat > now + 60) throw new ApiError(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
  if (typeof exp !== 'number' || exp <= now) {
    throw new ApiError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
  }
  if (exp - now > 600 + 60) throw new ApiError(401, "'Expiration time' claim ('exp') is too far in the future.");
  if (String(iss) !== String(app.id)) throw new ApiError(401, 'Integration not found');
}

const looksLikeJwt = (t: string) => /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(t);

export class Credentials {
  private readonly installationTokens = new Map<string, { installationId: number; expiresAt: number }>();
  private readonly userTokens = new Map<string, string>();
  private readonly codes = new Map<string, { login: string; redirectUri: string | null; expiresAt: number }>();

  constructor(
    readonly opts: { token: string; login: string; now: () => number; app: (AppInfo & { publicKey: KeyObject }) | undefined; oauth: OAuthAppInfo },
  ) {}

  clear(): void {
    this.installationTokens.clear();
    this.userTokens.clear();
    this.codes.clear();
  }

  /** The actor for a presented token (null: no Authorization header); 401 for anything GitHub would refuse. */
  identify(presented: string | null): Actor | null {
    if (presented === null) return null;
    if (presented === this.opts.token) return { kind: 'token', login: this.opts.login };
    const app = this.opts.app;
    if (app && looksLikeJwt(presented)) {
      verifyAppJwt(presented, app, this.opts.now());
      return { kind: 'app', login: app.slug };
    }
    const inst = this.installationTokens.get(presented);
    if (app && inst && inst.expiresAt > this.opts.now()) return { kind: 'installation', login: `${app.slug}[bot]`, installationId: inst.installationId };
    const user = this.userTokens.get(presented);
    if (user) return { kind: 'user', login: user };
    throw new ApiError(401, 'Bad credentials');
  }

  installation(id: number): { id: number; account: string } | undefined {
    return this.opts.app?.installations.find((i) => i.id === id);
  }

  issueInstallationToken(installationId: number): { token: string; expiresAt: number } {
    const token = `ghs_${hex(18)}`;
    const expiresAt = this.opts.now() + INSTALLATION_TOKEN_TTL_MS;
    this.installationTokens.set(token, { installationId, expiresAt });
    return { token, expiresAt };
  }

  issueCode(login: string, redirectUri: string | null): string {
    const code = hex(10);
    this.codes.set(code, { login, redirectUri, expiresAt: this.opts.now() + CODE_TTL_MS });
    return code;
  }

  /** A user token for a code (single use), or GitHub's error name. */
  exchangeCode(clientId: string, clientSecret: string, code: string, redirectUri: string | undefined): { token: string } | { error: string; description: string } {
    if (clientId !== this.opts.oauth.clientId || clientSecret !== this.opts.oauth.clientSecret) {
      return { error: 'incorrect_client_credentials', description: 'The client_id and/or client_secret passed are incorrect.' };
    }
    const c = this.codes.get(code);
    this.codes.delete(code);
    if (!c || c.expiresAt <= this.opts.now()) return { error: 'bad_verification_code', description: 'The code passed is incorrect or expired.' };
    if (redirectUri !== undefined && c.redirectUri !== null && redirectUri !== c.redirectUri) {
      return { error: 'redirect_uri_mismatch', description: 'The redirect_uri MUST match the registered callback URL for this application.' };
    }
    const token = `gho_${hex(18)}`;
    this.userTokens.set(token, c.login);
    return { token };
  }
}
