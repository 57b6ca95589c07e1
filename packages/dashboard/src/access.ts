/**
 * Who sees what: public runs for everyone; runs of private repositories only for a signed-in
 * user with read access; actions (rerun, rerun failed only, cancel) only for a user with write
 * access. Sign-in is GitHub's OAuth web flow; permissions are GitHub's, asked through the GitHub
 * port with serve's token when it has one (a read-only user's token may not ask), else the user's,
 * and remembered for a minute.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGitHub, exchangeOAuthCode, oauthAuthorizeUrl, type Permission } from '@plumbing/github';
import type { Core, RunRow } from '@plumbing/serve';
import type { DashboardConfig } from './dashboard-config.js';
import { cookieHeader, cookies, randomToken, readSession, sameToken, Sealer, SESSION_COOKIE, SESSION_HOURS, type Session, STATE_COOKIE } from './session.js';

const CACHE_MS = 60_000;
const WRITE: readonly Permission[] = ['write', 'maintain', 'admin'];

/** A path on this site to go back to after sign-in (never another origin). */
export function safeNext(v: string | null): string {
  return v?.startsWith('/') && !v.startsWith('//') && !v.includes('\\') ? v : '/';
}

export class Access {
  private readonly sealer: Sealer;
  private readonly perms = new Map<string, { p: Permission; at: number }>();

  constructor(
    private readonly core: Core,
    readonly config: DashboardConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.sealer = new Sealer(config.sessionSecret);
  }

  get signInEnabled(): boolean {
    return this.config.oauth !== undefined;
  }

  private get secure(): boolean {
    return this.core.opts.settings.publicUrl.startsWith('https:');
  }

  viewer(req: IncomingMessage): Session | undefined {
    return readSession(this.sealer, req, this.now());
  }

  async permission(v: Session | undefined, repository: string | null): Promise<Permission> {
    if (!v || !repository) return 'none';
    const key = `${v.login}\n${repository}`;
    const hit = this.perms.get(key);
    if (hit && this.now() - hit.at < CACHE_MS) return hit.p;
    const ref = this.core.opts.settings.githubToken;
    const token = (ref && this.core.secrets(ref.name, ref.key)) || v.token;
    let p: Permission = 'none';
    try {
      p = await createGitHub({ auth: { token }, baseUrl: this.core.opts.settings.githubApiUrl }).repo(repository).collaboratorPermission(v.login);
    } catch (e) {
      this.core.opts.log(`dashboard: permission of ${v.login} on ${repository} unknown, treated as none: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.perms.set(key, { p, at: this.now() });
    return p;
  }

  async canRead(v: Session | undefined, run: RunRow): Promise<boolean> {
    return !run.private || (await this.permission(v, run.repository)) !== 'none';
  }

  async canWrite(v: Session | undefined, run: RunRow): Promise<boolean> {
    return WRITE.includes(await this.permission(v, run.repository));
  }

  /** The private repositories (of the config) this viewer may read. */
  async readablePrivate(v: Session | undefined): Promise<string[]> {
    if (!v) return [];
    const all = this.core.opts.settings.privateRepositories;
    const ok = await Promise.all(all.map(async (r) => (await this.permission(v, r)) !== 'none'));
    return all.filter((_, i) => ok[i]);
  }

  private redirectUri(): string {
    return new URL('/login/callback', this.core.opts.settings.publicUrl).toString();
  }

  /** GET /login?next=PATH[&login=HINT]: to GitHub's authorize page, with a state bound to a cookie. */
  login(res: ServerResponse, url: URL): void {
    const oauth = this.config.oauth!;
    const state = randomToken();
    const next = safeNext(url.searchParams.get('next'));
    let to = oauthAuthorizeUrl({ clientId: oauth.clientId, webUrl: oauth.webUrl }, { redirectUri: this.redirectUri(), state });
    const hint = url.searchParams.get('login');
    if (hint) to += `&login=${encodeURIComponent(hint)}`;
    const cookie = cookieHeader(STATE_COOKIE, this.sealer.seal({ state, next, exp: this.now() + 600_000 }), { maxAgeS: 600, secure: this.secure });
    res.writeHead(302, { location: to, 'set-cookie': cookie, 'cache-control': 'no-store' }).end();
  }

  /** GET /login/callback?code&state: the state checked against its cookie, the code exchanged, the session sealed. */
  async callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<string | undefined> {
    const oauth = this.config.oauth!;
    const raw = cookies(req).get(STATE_COOKIE);
    const saved = (raw ? this.sealer.open(raw) : undefined) as { state?: string; next?: string; exp?: number } | undefined;
    const state = url.searchParams.get('state') ?? '';
    const code = url.searchParams.get('code');
    if (!saved?.state || !sameToken(saved.state, state) || (saved.exp ?? 0) < this.now()) return 'the sign-in state does not match this browser (or it expired): sign in again';
    if (!code) return `GitHub did not return a code (${url.searchParams.get('error') ?? 'no error given'})`;
    const t = await exchangeOAuthCode({ clientId: oauth.clientId, clientSecret: oauth.clientSecret, webUrl: oauth.webUrl }, { code, redirectUri: this.redirectUri() });
    const user = await createGitHub({ auth: { token: t.accessToken }, baseUrl: this.core.opts.settings.githubApiUrl }).authenticatedUser();
    const session: Session = { login: user.login, token: t.accessToken, csrf: randomToken(), exp: this.now() + SESSION_HOURS * 3_600_000 };
    res.writeHead(303, {
      location: safeNext(saved.next ?? null),
      'set-cookie': [cookieHeader(SESSION_COOKIE, this.sealer.seal(session), { maxAgeS: SESSION_HOURS * 3600, secure: this.secure }), cookieHeader(STATE_COOKIE, '', { maxAgeS: 0, secure: this.secure })],
      'cache-control': 'no-store',
    }).end();
    return undefined;
  }

  signOut(res: ServerResponse): void {
    res.writeHead(303, { location: '/', 'set-cookie': cookieHeader(SESSION_COOKIE, '', { maxAgeS: 0, secure: this.secure }), 'cache-control': 'no-store' }).end();
  }

  /** A POST is allowed when its form's csrf equals the session's and its Origin (when sent) is this site. */
  csrfOk(req: IncomingMessage, v: Session, form: URLSearchParams): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== new URL(this.core.opts.settings.publicUrl).origin && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) return false;
    return sameToken(form.get('csrf') ?? '', v.csrf);
  }
}
