// The dashboard in a real browser: Debian's chromium driven by playwright-core, against a real
// plumbing serve (real HTTP server, real SQLite store) whose runs are written into its store.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type RunningService, type RunRow, startServe } from '@plumbing/serve';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPages } from './pages.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) console.warn(`skipping the dashboard browser tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);

let root: string;
let svc: RunningService;
let browser: Browser;

const SPEC = {
  tasks: [
    { name: 'fetch', taskRef: { name: 'git-clone' } },
    { name: 'build', runAfter: ['fetch'], taskRef: { name: 'build' } },
    { name: 'unit-tests', runAfter: ['build'], taskRef: { name: 'test' } },
    { name: 'lint', params: [{ name: 'commit', value: '$(tasks.fetch.results.commit)' }], taskRef: { name: 'lint' } },
  ],
  finally: [{ name: 'report', taskRef: { name: 'report' } }],
};

function run(name: string, over: Partial<RunRow>): RunRow {
  return {
    name, namespace: 'tekton-ci', kind: 'pull-request', resourceKind: 'PipelineRun', job: 'ci', repository: 'acme/widgets', pullRequest: 7, sha: 'a'.repeat(40),
    event: 'pull_request', deliveryId: `d-${name}`, actor: 'octocat', triggerName: 'pull-request-ci', supersedeKey: null, private: false, state: 'succeeded',
    reason: 'Succeeded', message: 'Tasks Completed: 5', created: '2026-12-07T10:00:00.000Z', started: '2026-12-07T10:00:01.000Z', finished: '2026-12-07T10:03:00.000Z',
    owner: null, recordDir: null, resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', spec: { params: [{ name: 'revision', value: 'a'.repeat(40) }], pipelineSpec: SPEC } },
    status: { pipelineSpec: SPEC, results: [{ name: 'image', value: 'registry.example/widgets@sha256:0123' }] }, ...over,
  };
}

async function seedFailedRun(): Promise<void> {
  const s = svc.core.store;
  await s.insertRun(run('widgets-ok-1', { created: '2026-12-07T09:00:00.000Z' }));
  await s.insertRun(run('widgets-ci-bad', { state: 'failed', reason: 'Failed', message: 'Tasks Completed: 5 (Failed: 1, Cancelled 0), Skipped: 0' }));
  await s.insertRun(run('secret-run', { repository: 'acme/private', private: true, created: '2026-12-07T11:00:00.000Z' }));
  const at = (m: number) => `2026-12-07T10:0${m}:00.000Z`;
  const tasks: [string, string, number, number][] = [['fetch', 'succeeded', 0, 1], ['build', 'succeeded', 1, 2], ['unit-tests', 'failed', 2, 3], ['lint', 'succeeded', 1, 2], ['report', 'succeeded', 3, 3]];
  for (const [t, state, a, b] of tasks) {
    await s.upsertTaskRun({ runName: 'widgets-ci-bad', name: `widgets-ci-bad-${t}`, pipelineTask: t, state, started: at(a), finished: at(b) });
    const logPath = `.plumbing/runs/widgets-ci-bad/${t}/step-run.log`;
    mkdirSync(join(root, dirname(logPath)), { recursive: true });
    const lines = Array.from({ length: t === 'unit-tests' ? 6000 : 3 }, (_, i) => `\x1b[32mok\x1b[0m ${t} line ${i + 1} <b>not bold</b> ${'.'.repeat(60)}`);
    if (t === 'unit-tests') lines[249] = '\x1b[31;1mFAIL\x1b[0m widgets_test.go:42: expected 2, got 3';
    writeFileSync(join(root, logPath), `${lines.join('\n')}\n`);
    await s.upsertStep({ runName: 'widgets-ci-bad', taskRun: `widgets-ci-bad-${t}`, name: 'run', state, logPath, exitCode: state === 'failed' ? 1 : 0, started: at(a), finished: at(b) });
  }
}

const inViewport = (page: Page, id: string) =>
  page.waitForFunction((x) => {
    const r = document.getElementById(x)?.getBoundingClientRect();
    return r !== undefined && r.top >= 0 && r.bottom <= window.innerHeight;
  }, id);

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Debian chromium (playwright-core)', () => {
  beforeAll(async () => {
    root = await makeTempDir('plumbing-dashboard-');
    mkdirSync(join(root, 'clusters/test'), { recursive: true });
    writeFileSync(join(root, 'clusters/test/cluster.yaml'), 'apiVersion: plumbing.dev/v1alpha1\nkind: Cluster\nmetadata:\n  name: test\nspec:\n  context: test\n');
    svc = await startServe({ root, port: 0, host: '127.0.0.1', sandbox: false, log: () => {}, pages: dashboardPages() });
    await seedFailedRun();
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  afterAll(async () => {
    await browser?.close();
    await svc?.close(0);
    if (root) await removeTempDir(root);
  });

  it('runs list → the failed run → its graph shows the failed task in red → its log shows the failing line and #L scrolls to it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${svc.url}/`);
    expect(await page.locator('tbody#runs tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run')))).toEqual(['widgets-ci-bad', 'widgets-ok-1']);
    await page.click('a[href="/runs/widgets-ci-bad"]');
    const node = page.locator('rect.task-node[data-task="unit-tests"]');
    await node.waitFor();
    expect([await node.getAttribute('class'), await node.getAttribute('fill')]).toEqual(['task-node state-failed', '#cf222e']);
    expect(await page.locator('rect.task-node[data-task="build"]').getAttribute('fill')).toBe('#1a7f37');
    expect(await page.locator('path.edge-result').evaluateAll((es) => es.map((e) => `${e.getAttribute('data-from')}->${e.getAttribute('data-to')}`))).toEqual(['fetch->lint']);
    await node.click();
    await page.waitForURL(/\/logs\/unit-tests\/run$/);
    await page.waitForSelector('#log[data-ready]');
    expect(await page.locator('#L1').innerText()).toContain('<b>not bold</b>');
    await page.goto(`${page.url()}#L250`);
    await inViewport(page, 'L250');
    expect(await page.locator('#L250').innerText()).toContain('FAIL widgets_test.go:42: expected 2, got 3');
    expect(await page.locator('#L250 span.f1.a-b').innerText()).toBe('FAIL');
    expect(await page.locator('#L250').getAttribute('class')).toBe('l hl');
    await page.close();
  });

  it('a line far down: the viewer fetches only its chunk by byte range and scrolls to it', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${svc.url}/runs/widgets-ci-bad/logs/unit-tests/run`);
    expect(await page.locator('#L5900').count()).toBe(0);
    await page.waitForSelector('#log[data-ready]');
    await page.goto(`${svc.url}/runs/widgets-ci-bad/logs/unit-tests/run#L5900`);
    await inViewport(page, 'L5900');
    expect(await page.locator('#L5900').innerText()).toContain('unit-tests line 5900');
    await page.close();
  });

  it('search: at once in the fetched ranges, then the server\'s list for far matches; next/previous move between them', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${svc.url}/runs/widgets-ci-bad/logs/unit-tests/run`);
    await page.waitForSelector('#log[data-ready]');
    await page.fill('#q', 'line 5990');
    await page.click('button[type=submit]');
    await page.waitForSelector('#log[data-searched="line 5990"]');
    await inViewport(page, 'L5990');
    expect(await page.locator('#search-status').innerText()).toBe('match 1 of 1 (line 5990)');
    expect(await page.locator('#L5990').getAttribute('class')).toBe('l hl match cur');
    await page.close();
  });

  it('without JavaScript: the first lines, next pages, search hits that open at their line', async () => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${svc.url}/runs/widgets-ci-bad/logs/unit-tests/run`);
    expect(await page.locator('#L1').innerText()).toContain('unit-tests line 1');
    await page.click('a[rel=next]');
    const second = Number((await page.locator('#log .l').first().getAttribute('id'))?.slice(1));
    expect(second).toBeGreaterThan(1);
    await page.goto(`${svc.url}/runs/widgets-ci-bad/logs/unit-tests/run?at=250#L250`);
    expect(await page.locator('#L250').innerText()).toContain('FAIL widgets_test.go:42');
    await page.fill('#q', 'line 5900 ');
    await Promise.all([page.waitForURL(/q=line/), page.click('button[type=submit]')]);
    expect(await page.locator('#hits a.n').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['/runs/widgets-ci-bad/logs/unit-tests/run?at=5900#L5900']);
    await page.click('#hits a.n');
    expect(await page.locator('#L5900').innerText()).toContain('unit-tests line 5900');
    await ctx.close();
  });

  it('a link to a far line opens there, and a colour set before its chunk carries into it: in the viewer and in the server-rendered page (?at=)', async () => {
    const s = svc.core.store;
    await s.insertRun(run('widgets-colours', { created: '2026-12-07T07:00:00.000Z' }));
    const logPath = '.plumbing/runs/widgets-colours/build/step-run.log';
    mkdirSync(join(root, dirname(logPath)), { recursive: true });
    writeFileSync(join(root, logPath), `\x1b[36mcyan from here\n${Array.from({ length: 2500 }, (_, i) => `plain ${i + 2}`).join('\n')}\n`);
    await s.upsertTaskRun({ runName: 'widgets-colours', name: 'widgets-colours-build', pipelineTask: 'build', state: 'succeeded', started: '2026-12-07T07:00:01.000Z', finished: '2026-12-07T07:00:02.000Z' });
    await s.upsertStep({ runName: 'widgets-colours', taskRun: 'widgets-colours-build', name: 'run', state: 'succeeded', logPath, exitCode: 0, started: '2026-12-07T07:00:01.000Z', finished: '2026-12-07T07:00:02.000Z' });
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${svc.url}/runs/widgets-colours/logs/build/run#L2300`);
    await page.waitForSelector('#log[data-ready]');
    await inViewport(page, 'L2300');
    expect(await page.locator('#L2300 span.f6').innerText()).toBe('plain 2300');
    await page.close();
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const plain = await ctx.newPage();
    await plain.goto(`${svc.url}/runs/widgets-colours/logs/build/run?at=2300#L2300`);
    expect(await plain.locator('#L2300 span.f6').innerText()).toBe('plain 2300');
    await ctx.close();
  });

  it('a running step streams live: lines written after the page opened appear (follow from the indexed end)', async () => {
    const s = svc.core.store;
    await s.insertRun(run('widgets-live', { state: 'running', finished: null, created: '2026-12-07T08:00:00.000Z' }));
    const logPath = '.plumbing/runs/widgets-live/build/step-run.log';
    mkdirSync(join(root, dirname(logPath)), { recursive: true });
    writeFileSync(join(root, logPath), 'compiling 1\ncompiling 2\n');
    await s.upsertTaskRun({ runName: 'widgets-live', name: 'widgets-live-build', pipelineTask: 'build', state: 'running', started: '2026-12-07T08:00:01.000Z', finished: null });
    await s.upsertStep({ runName: 'widgets-live', taskRun: 'widgets-live-build', name: 'run', state: 'running', logPath, exitCode: null, started: '2026-12-07T08:00:01.000Z', finished: null });
    const page = await browser.newPage();
    await page.goto(`${svc.url}/runs/widgets-live/logs/build/run`);
    await page.waitForSelector('#log[data-followed="streaming"]');
    appendFileSync(join(root, logPath), 'linking\n\x1b[32mdone\x1b[0m\n');
    await page.waitForSelector('#L4 span.f2');
    expect(await page.locator('#log .l').evaluateAll((ls) => ls.map((l) => (l as HTMLElement).innerText.replace(/^\d+/, '')))).toEqual(['compiling 1', 'compiling 2', 'linking', 'done']);
    await s.upsertStep({ runName: 'widgets-live', taskRun: 'widgets-live-build', name: 'run', state: 'succeeded', logPath, exitCode: 0, started: '2026-12-07T08:00:01.000Z', finished: '2026-12-07T08:00:09.000Z' });
    await page.waitForSelector('#log[data-followed="done"]');
    await page.close();
  });

  it('live: a new run appears on the runs page through server-sent events; a private run never does', async () => {
    const page = await browser.newPage();
    await page.goto(`${svc.url}/`);
    const fresh = run('widgets-new', { state: 'running', finished: null, created: '2026-12-07T12:00:00.000Z' });
    await page.waitForSelector('body[data-live="runs"][data-live-ready]');
    await svc.core.store.insertRun(fresh);
    svc.core.events.emit('run', fresh);
    await page.waitForSelector('tr[data-run="widgets-new"] [data-state="running"]');
    expect(await page.locator('tr[data-run="secret-run"]').count()).toBe(0);
    expect((await fetch(`${svc.url}/runs/secret-run`)).status).toBe(404);
    await page.close();
  });

  it('filters and keyset pages work without JavaScript: 60 runs of a repository in pages of 50, the author filter', async () => {
    for (let i = 0; i < 60; i++) await svc.core.store.insertRun(run(`many-${String(i).padStart(2, '0')}`, { repository: 'acme/many', actor: i % 2 ? 'odd' : 'even', created: `2026-12-06T10:00:${String(i).padStart(2, '0')}.000Z` }));
    const rowsOf = (html: string) => [...html.matchAll(/<tr data-run="([^"]+)"/g)].map((m) => m[1]);
    const first = await (await fetch(`${svc.url}/?repository=acme/many`)).text();
    expect(rowsOf(first)).toHaveLength(50);
    expect(rowsOf(first)[0]).toBe('many-59');
    const next = /<a rel="next" href="([^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    const second = await (await fetch(`${svc.url}${next}`)).text();
    expect(rowsOf(second)).toEqual(['many-09', 'many-08', 'many-07', 'many-06', 'many-05', 'many-04', 'many-03', 'many-02', 'many-01', 'many-00']);
    expect(second).not.toContain('rel="next"');
    const odd = await (await fetch(`${svc.url}/?repository=acme/many&author=odd&state=succeeded`)).text();
    expect(rowsOf(odd)).toHaveLength(30);
    expect((await fetch(`${svc.url}/?pullRequest=x`)).status).toBe(400);
  });
});
