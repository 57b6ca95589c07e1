import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { loadRepository, type ResourceDoc } from '@plumbing/model';
import { REPO_ROOT } from '@plumbing/test-utils';
import { describe, expect, it } from 'vitest';
import { example } from '../../test/helpers.js';
import { canonicalHeaderKey, evaluateTriggersCel, triggersCelEnv } from './cel-env.js';
import { applyEventValues } from './json-path.js';
import { type ResolvedListener, resolveListener, runListener } from './listener.js';

const SECRET = 's3cret';
const secrets = (name: string, key: string) => (name === 'github-webhook-secret' && key === 'token' ? SECRET : undefined);

async function dogfooding(): Promise<ResolvedListener> {
  const { index } = await loadRepository(REPO_ROOT, [join(REPO_ROOT, 'clusters/dogfooding')]);
  const docs = index.docs.filter((d) => d.file.startsWith('clusters/dogfooding/'));
  const lookup = (kind: string, name: string): ResourceDoc | undefined => docs.find((d) => d.kind === kind && d.name === name);
  const l = resolveListener('github', lookup, 'uid-1');
  if (!l) throw new Error('no listener');
  return l;
}

async function request(event: string, payload: unknown, secret = SECRET) {
  const rawBody = JSON.stringify(payload);
  return { body: payload, rawBody, header: { 'X-Github-Event': [event], 'X-Hub-Signature-256': [await sign(secret, rawBody)], 'Content-Type': ['application/json'] }, requestURL: 'http://localhost/hooks/github', extensions: {} };
}

describe('the dogfooding EventListener (clusters/dogfooding/triggers)', () => {
  it('turns a pull_request opened delivery into the ci PipelineRun with the bound params', async () => {
    const l = await dogfooding();
    const payload = example('pull_request', 'opened');
    const [out] = await runListener(l, await request('pull_request', payload), secrets);
    expect(out?.message).toBeUndefined();
    const run = out?.resources[0] as { kind: string; metadata: { generateName: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: { params: { name: string; value: string }[] } };
    expect(run.kind).toBe('PipelineRun');
    expect(run.metadata.generateName).toBe('ci-');
    // owner/name is not a valid label value (a real API server answers 422): an annotation
    expect(run.metadata.labels).toEqual({ 'plumbing.dev/pull-request': '2' });
    expect(run.metadata.annotations).toEqual({ 'plumbing.dev/repository': 'Codertocat/Hello-World' });
    expect(run.spec.params).toEqual([
      { name: 'repo-url', value: 'https://github.com/Codertocat/Hello-World.git' },
      { name: 'revision', value: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' },
      { name: 'repo-full-name', value: 'Codertocat/Hello-World' },
      { name: 'pull-request-number', value: '2' },
    ]);
  });

  it('stops at the CEL filter for an action it does not run (closed), and at eventTypes for a push', async () => {
    const l = await dogfooding();
    const [closed] = await runListener(l, await request('pull_request', example('pull_request', 'closed')), secrets);
    expect(closed).toMatchObject({ resources: [], message: expect.stringMatching(/did not return true/) });
    const [push] = await runListener(l, await request('push', example('push')), secrets);
    expect(push).toMatchObject({ resources: [], message: 'event type push is not allowed' });
  });

  it('refuses a delivery signed with another secret (GitHub interceptor)', async () => {
    const l = await dogfooding();
    const [out] = await runListener(l, await request('pull_request', example('pull_request', 'opened'), 'wrong'), secrets);
    expect(out).toMatchObject({ resources: [], message: 'payload signature check failed' });
  });
});

describe('Triggers CEL extensions', () => {
  const env = triggersCelEnv((n, k) => (n === 'tok' && k === 'k' ? 'abc' : undefined));
  const ctx = { body: { a: { sha: '0123456789abcdef', s: 'x/y/z', j: '{"n": 2, "l": [1, "b"]}', m: { k: 'v' } } }, header: { 'X-Github-Event': ['push'], 'X-Secret': ['abc'] }, requestURL: 'http://h:8080/p?q=1&q=2', extensions: { e: 1 } };
  it.each([
    ["body.a.sha.truncate(7)", '0123456'],
    ["body.a.sha.truncate(99)", '0123456789abcdef'],
    ["body.a.s.split('/')[1]", 'y'],
    ["header.match('x-github-event', 'push')", true],
    ["header.canonical('X-GITHUB-EVENT')", 'push'],
    ["header.canonical('X-Secret').compareSecret('k', 'tok')", true],
    ["'abd'.compareSecret('k', 'tok', 'ns')", false],
    ['body.a.j.parseJSON().l[1]', 'b'],
    ["'a: [1, 2]'.parseYAML().a[1] == 2", true],
    ['requestURL.parseURL().query.q', '1,2'],
    ['body.a.m.marshalJSON()', '{"k":"v"}'],
    ['extensions.e == 1', true],
  ])('%s → %j', (expr, want) => {
    expect(evaluateTriggersCel(env, expr, ctx)).toEqual(want);
  });

  it('canonicalises header keys as Go does', () => {
    expect(canonicalHeaderKey('x-hub-SIGNATURE-256')).toBe('X-Hub-Signature-256');
  });
});

describe('binding expressions', () => {
  const data = { body: { a: { b: [{ c: 'x' }], n: 3, o: { k: 1 } }, 'd.e': 'dot' }, header: { 'X-Github-Event': ['push'] }, extensions: { short: 'abc' } };
  it.each([
    ['$(body.a.b[0].c)', 'x'],
    ['n=$(body.a.n)', 'n=3'],
    ['$(body.a.o)', '{"k":1}'],
    ['$(body.d\\.e)', 'dot'],
    ['$(header.x-github-event)', 'push'],
    ['$(extensions.short)-$(body.a.n)', 'abc-3'],
  ])('%s → %s', (expr, want) => {
    expect(applyEventValues(expr, data)).toBe(want);
  });
  it('fails on a missing field, as Triggers does', () => {
    expect(() => applyEventValues('$(body.nope)', data)).toThrow(/failed to find field "nope"/);
  });
});

describe('samplePullRequestDelivery (scripts/send-delivery.mjs)', () => {
  it('is signed with the secret and makes the dogfooding listener create its ci PipelineRun', async () => {
    const { samplePullRequestDelivery } = await import('../service/sample.js');
    const { headers, body } = await samplePullRequestDelivery({ secret: SECRET, sha: 'f'.repeat(40), cloneUrl: 'file:///src/plumbing' });
    const header = Object.fromEntries(Object.entries(headers).map(([k, v]) => [canonicalHeaderKey(k), [v]]));
    const [out] = await runListener(await dogfooding(), { body: JSON.parse(body), rawBody: body, header, requestURL: 'http://localhost/hooks/github', extensions: {} }, secrets);
    const resource = out?.resources[0] as { spec: { params: unknown[] } } | undefined;
    expect(resource?.spec.params).toContainEqual({ name: 'repo-url', value: 'file:///src/plumbing' });
  });
});
