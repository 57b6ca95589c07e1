// Sign-in and actions against a real plumbing serve and the local GitHub protocol server of
// test-utils (GitHub's OAuth web flow and permission API cannot run here; the local server speaks them).
import { type GitHubServer, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import type { RunningService } from '@plumbing/serve';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNext } from './access.js';
import { Sealer } from './session.js';
import { runRow, serveDashboard } from '../test/serve-dashboard.js';

let gh: GitHubServer;
let root: string;
let svc: RunningService;

/** The OAuth web flow as a browser does it: /login → GitHub's authorize → /login/callback; returns the session cookie. */
async function signIn(login: string): Promise<string> {
  const a = await fetch(`${svc.url}/login?next=/runs/w-failed&login=${login}`, { redirect: 'manual' });
  expect(a.status).toBe(302);
  const state = (a.headers.get('set-cookie') ?? '').split(';')[0]!;
  const b = await fetch(a.headers.get('location')!, { redirect: 'manual' });
  const callback = new URL(b.headers.get('location')!);
  const c = await fetch(`${svc.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { cookie: state } });
  expect([c.status, c.headers.get('location')]).toEqual([303, '/runs/w-failed']);
  return (c.headers.getSetCookie().find((x) => x.startsWith('plumbing_session=')) ?? '').split(';')[0]!;
}

const get = (path: string, cookie?: string) => fetch(`${svc.url}${path}`, { headers: cookie ? { cookie } : {} });
const post = (path: string, cookie: string, form: Record<string, string>) =>
  fetch(`${svc.url}${path}`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('sign-in with GitHub, private repositories, actions with CSRF (local GitHub protocol server)', () => {
  beforeAll(async () => {
    gh = await startGitHubServer({ repos: ['acme/widgets'], seed: (s) => s.addRepo('acme/private', { private: true }) });
    gh.state.setCollaborator('acme/widgets', 'wendy', 'write');
    gh.state.setCollaborator('acme/widgets', 'reed', 'read');
    gh.state.setCollaborator('acme/private', 'wendy', 'read');
    const spec = `spec:\n  context: test\n  serve:\n    githubApiUrl: ${gh.url}\n    privateRepositories: [acme/private]\n`;
    ({ root, svc } = await serveDashboard({ config: { oauth: { clientId: gh.oauth.clientId, clientSecret: gh.oauth.clientSecret, webUrl: gh.url }, sessionSecret: 'test-session-secret' } }, spec));
    await svc.core.store.insertRun(runRow('w-failed', { state: 'failed', reason: 'Failed' }));
    await svc.core.store.insertRun(runRow('p-run', { repository: 'acme/private', private: true, created: '2026-12-07T11:00:00.000Z' }));
  });
  afterAll(async () => {
    await svc?.close(0);
    await gh?.close();
    if (root) await removeTempDir(root);
  });

  it('signed out: private runs are invisible, no actions, a sign-in link', async () => {
    const list = await (await get('/')).text();
    expect(list).toContain('data-run="w-failed"');
    expect(list).not.toContain('p-run');
    expect(list).toContain('href="/login?next=%2F"');
    expect((await get('/runs/p-run')).status).toBe(404);
    expect(await (await get('/runs/w-failed')).text()).not.toContain('data-action');
  });

  it('a writer sees the actions and the private runs she can read; the session cookie is sealed', async () => {
    const cookie = await signIn('wendy');
    expect(cookie).not.toContain('gho_');
    const html = await (await get('/runs/w-failed', cookie)).text();
    expect([...html.matchAll(/data-action="([^"]+)"/g)].map((m) => m[1])).toEqual(['rerun', 'rerun-failed']);
    expect(html).toContain('data-login="wendy"');
    expect(html).not.toMatch(/gho_|test-session-secret/);
    expect((await get('/runs/p-run', cookie)).status).toBe(200);
    expect(await (await get('/', cookie)).text()).toContain('data-run="p-run"');
  });

  it('a reader sees no actions and cannot POST one', async () => {
    const cookie = await signIn('reed');
    const html = await (await get('/runs/w-failed', cookie)).text();
    expect(html).not.toContain('data-action');
    expect((await get('/runs/p-run', cookie)).status).toBe(404);
    expect((await post('/runs/w-failed/rerun', cookie, { csrf: csrfOf(html) })).status).toBe(403);
  });

  it('an action needs the session\'s CSRF token; with it, rerun starts a new run', async () => {
    const cookie = await signIn('wendy');
    const csrf = csrfOf(await (await get('/runs/w-failed', cookie)).text());
    expect((await post('/runs/w-failed/rerun', cookie, { csrf: 'forged' })).status).toBe(403);
    expect((await post('/runs/w-failed/rerun', cookie, {})).status).toBe(403);
    expect((await fetch(`${svc.url}/runs/w-failed/rerun`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}` })).status).toBe(403);
    expect((await post('/runs/w-failed/cancel', cookie, { csrf })).status).toBe(409);
    const r = await post('/runs/w-failed/rerun', cookie, { csrf });
    expect(r.status).toBe(303);
    const again = decodeURIComponent(r.headers.get('location')!.split('/').pop()!);
    expect(again).not.toBe('w-failed');
    expect((await svc.core.store.getRun(again))?.job).toBe('ci');
    expect((await post('/logout', cookie, { csrf })).status).toBe(303);
  });

  it('a tampered or foreign session cookie is no session; next= never leaves the site', async () => {
    const forged = `plumbing_session=${new Sealer('another-secret').seal({ login: 'wendy', token: 'x', csrf: 'c', exp: Date.now() + 60_000 })}`;
    expect(await (await get('/runs/w-failed', forged)).text()).not.toContain('data-login');
    expect([safeNext('//evil.example/x'), safeNext('https://evil.example'), safeNext('/runs/a?b=1')]).toEqual(['/', '/', '/runs/a?b=1']);
  });

  it('a private running step is followed live through the dashboard (the reader\'s session), and not at all signed out', async () => {
    const s = svc.core.store;
    await s.insertRun(runRow('p-live', { repository: 'acme/private', private: true, state: 'running', finished: null }));
    const logPath = '.plumbing/runs/p-live/build/step-run.log';
    mkdirSync(join(root, dirname(logPath)), { recursive: true });
    writeFileSync(join(root, logPath), 'one\n');
    await s.upsertTaskRun({ runName: 'p-live', name: 'p-live-build', pipelineTask: 'build', state: 'running', started: '2026-12-07T10:00:01.000Z', finished: null });
    await s.upsertStep({ runName: 'p-live', taskRun: 'p-live-build', name: 'run', state: 'running', logPath, exitCode: null, started: '2026-12-07T10:00:01.000Z', finished: null });
    const href = '/runs/p-live/logs/build/run';
    expect((await get(`${href}?follow=1`)).status).toBe(404);
    const cookie = await signIn('wendy');
    expect(await (await get(href, cookie)).text()).toContain(`data-follow="${href}?follow=1"`);
    const res = await fetch(`${svc.url}${href}?follow=1`, { headers: { cookie, range: 'bytes=4-' } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    appendFileSync(join(root, logPath), 'two\n');
    let text = '';
    while (!text.includes('two\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toBe('two\n');
    await s.upsertStep({ runName: 'p-live', taskRun: 'p-live-build', name: 'run', state: 'succeeded', logPath, exitCode: 0, started: '2026-12-07T10:00:01.000Z', finished: '2026-12-07T10:00:05.000Z' });
    while (!(await reader.read()).done);
  });
});
