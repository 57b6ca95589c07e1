import { tmpdir } from 'node:os';
// The browser scenario, end to end in Debian's chromium (playwright-core): a failing
// pipeline run created by a signed pull_request delivery to a real plumbing serve (real
// EventListener, real embedded executor) → the runs list → the failed run → its graph shows the
// failed task in red → its log shows the failing line and #L scrolls to it → a signed-in writer
// (GitHub's OAuth web flow on the local GitHub protocol server of test-utils: GitHub cannot run
// here) clicks "Rerun failed only" → a run that reuses the succeeded tasks → a reader sees no
// actions → a private repository's runs are invisible when signed out.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Core, type RunningService, type RunRow, startServe } from '@plumbing/serve';
import { type GitHubServer, makeTempDir, removeTempDir, startGitHubServer } from '@plumbing/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverPullRequest, makeCiCheckout } from '../test/ci-cluster.js';
import { dashboardPages } from './pages.js';

const CHROMIUM = '/usr/bin/chromium';
// The README's screenshots are written over docs/screenshots only when asked
// (PLUMBING_UPDATE_SCREENSHOTS=1): a test run must not leave the checkout dirty, or the release's
// clean-tree check refuses the next `plumbing release` from it.
const SHOTS = process.env.PLUMBING_UPDATE_SCREENSHOTS
  ? join(dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots')
  : join(tmpdir(), `plumbing-screenshots-${process.pid}`);
const FINAL = ['succeeded', 'failed', 'cancelled'];

let root: string;
let gh: GitHubServer;
let svc: RunningService;
let browser: Browser;
let base: string;
let gate: string;
let failed: RunRow;
let secretRun: RunRow;

function finished(pred: (r: RunRow) => boolean): Promise<RunRow> {
  return new Promise((resolve) => {
    const on = (r: RunRow) => {
      if (FINAL.includes(r.state) && pred(r)) {
        svc.core.events.off('run', on);
        resolve(r);
      }
    };
    svc.core.events.on('run', on);
  });
}

async function signIn(page: Page, login: string, next: string): Promise<void> {
  await page.goto(`${base}/login?login=${login}&next=${encodeURIComponent(next)}`);
  await page.waitForSelector(`[data-login="${login}"]`);
}

const inViewport = (page: Page, id: string) =>
  page.waitForFunction((x) => {
    const r = document.getElementById(x)?.getBoundingClientRect();
    return r !== undefined && r.top >= 0 && r.bottom <= window.innerHeight;
  }, id);

if (typeof (Core.prototype as unknown as { rerunRun?: unknown }).rerunRun !== 'function') console.warn('scenario: the "rerun failed only" step is skipped: this serve has no rerunRun(name, {failedOnly})');

describe.skipIf(!existsSync(CHROMIUM))('the issue 11 scenario in Debian chromium: failing PR run → graph → log → rerun failed only → reader → private', () => {
  beforeAll(async () => {
    root = await makeTempDir('plumbing-scenario-');
    gh = await startGitHubServer({ repos: ['acme/widgets'], seed: (s) => s.addRepo('acme/secret', { private: true }) });
    gh.state.setCollaborator('acme/widgets', 'wendy', 'write');
    gh.state.setCollaborator('acme/widgets', 'reed', 'read');
    // The pull requests' author may run CI (serve's trust gate asks GitHub).
    gh.state.setCollaborator('acme/widgets', 'octocat', 'write');
    gh.state.setCollaborator('acme/secret', 'octocat', 'write');
    const made = makeCiCheckout(root, `    githubApiUrl: ${gh.url}\n    githubTokenSecret: {secretName: github-token, secretKey: token}\n    privateRepositories: [acme/secret]\n`);
    gate = made.gate;
    mkdirSync(join(made.secrets, 'github-token'), { recursive: true });
    writeFileSync(join(made.secrets, 'github-token/token'), gh.token);
    const pages = dashboardPages({ config: { oauth: { clientId: gh.oauth.clientId, clientSecret: gh.oauth.clientSecret, webUrl: gh.url }, sessionSecret: 'scenario-session-secret' } });
    svc = await startServe({ root, port: 0, host: '127.0.0.1', secretsDir: made.secrets, sandbox: false, log: () => {}, pages });
    // The OAuth callback is on the public URL (localhost:PORT); the browser stays on that origin for its cookies.
    base = svc.core.opts.settings.publicUrl;
    const widgets = finished((r) => r.repository === 'acme/widgets');
    expect(await deliverPullRequest(svc.url, 'acme/widgets', 7, 'octocat', 'delivery-widgets')).toBe(202);
    failed = await widgets;
    const secret = finished((r) => r.repository === 'acme/secret');
    expect(await deliverPullRequest(svc.url, 'acme/secret', 3, 'octocat', 'delivery-secret')).toBe(202);
    secretRun = await secret;
    browser = await chromium.launch({ executablePath: CHROMIUM });
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await svc?.close(0);
    await gh?.close();
    if (root) await removeTempDir(root);
  });

  it('signed out: the runs list shows the failed run and not the private one; its graph has the failed task in red; the log shows the failing line and #L scrolls to it', async () => {
    expect([failed.state, secretRun.private]).toEqual(['failed', true]);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${base}/`);
    expect(await page.locator('tbody#runs tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).toEqual([failed.name]);
    await page.screenshot({ path: join(SHOTS, 'runs.png'), fullPage: true });
    await page.click(`a[href="/runs/${failed.name}"]`);
    const node = page.locator('rect.task-node[data-task="unit-tests"]');
    await node.waitFor();
    expect(await node.getAttribute('class')).toBe('task-node state-failed');
    expect(await page.locator('rect.task-node').evaluateAll((ns) => ns.map((n) => `${n.getAttribute('data-task')}:${n.getAttribute('class')?.replace('task-node state-', '')}`).sort())).toEqual(['build:succeeded', 'fetch:succeeded', 'lint:succeeded', 'report:succeeded', 'unit-tests:failed']);
    expect(await page.locator('[data-action]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'run.png'), fullPage: true });
    await node.click();
    await page.waitForURL(/\/logs\/unit-tests\/run$/);
    await page.waitForSelector('#log[data-ready]');
    await page.goto(`${page.url()}#L3`);
    await inViewport(page, 'L3');
    expect(await page.locator('#L3').innerText()).toContain('FAIL widgets_test.go:42: expected 2, got 3');
    expect(await page.locator('#L3 span.f1.a-b').innerText()).toBe('FAIL');
    await page.screenshot({ path: join(SHOTS, 'log.png') });
    await page.close();
  });

  // Needs serve's rerunRun(name, {failedOnly}) (helper "serve", not yet on main when this was written): skipped, and said so, until serve has it.
  it.skipIf(typeof (Core.prototype as unknown as { rerunRun?: unknown }).rerunRun !== 'function')('a signed-in writer clicks "Rerun failed only": the new run reuses the succeeded tasks and passes', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await ctx.newPage();
    await signIn(page, 'wendy', `/runs/${failed.name}`);
    expect(await page.locator('[data-action]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action')))).toEqual(['rerun', 'rerun-failed']);
    writeFileSync(gate, 'fixed\n');
    const again = finished((r) => r.name !== failed.name && r.repository === 'acme/widgets');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/runs/') && !u.pathname.endsWith(failed.name)), page.click('[data-action="rerun-failed"]')]);
    const rerun = await again;
    expect(rerun.state).toBe('succeeded');
    await page.waitForSelector('#run-body[data-state="succeeded"]');
    const reused = await page.locator('rect.task-node[data-reused-from]').evaluateAll((ns) => ns.map((n) => `${n.getAttribute('data-task')}<${n.getAttribute('data-reused-from')}`).sort());
    expect(reused).toEqual([`build<${failed.name}`, `fetch<${failed.name}`, `lint<${failed.name}`]);
    expect(await page.locator('rect.task-node[data-task="unit-tests"]').getAttribute('data-state')).toBe('succeeded');
    await page.screenshot({ path: join(SHOTS, 'rerun.png'), fullPage: true });
    await ctx.close();
  });

  it('a reader sees no actions; signed out, the private repository\'s runs are invisible, by list, page and events', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, 'reed', `/runs/${failed.name}`);
    expect(await page.locator('#run-body').count()).toBe(1);
    expect(await page.locator('[data-action]').count()).toBe(0);
    await ctx.close();
    const anon = await browser.newPage();
    await anon.goto(`${base}/?repository=acme/secret`);
    expect(await anon.locator('tbody#runs tr[data-run]').count()).toBe(0);
    expect((await anon.goto(`${base}/runs/${secretRun.name}`))?.status()).toBe(404);
    expect((await anon.goto(`${base}/runs/${secretRun.name}/logs/unit-tests/run`))?.status()).toBe(404);
    await anon.goto(`${base}/repositories`);
    expect(await anon.locator('[data-repo="acme/secret"]').count()).toBe(0);
    await anon.close();
  });
});
