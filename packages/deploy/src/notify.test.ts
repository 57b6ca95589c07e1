import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitHubServer } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHub } from '@plumbing/github';
import { issueTitle, notifyDeploy } from './notify.js';

const failedRun = { cluster: 'demo', outcome: 'rolled-back', hash: 'a'.repeat(64), commit: 'b'.repeat(40), message: 'demo: deploy failed: health checks: Deployment web not healthy\nrolled back to revision 3' };

describe('deploy failure reports on the local GitHub API server', () => {
  let gh: Awaited<ReturnType<typeof startGitHubServer>>;
  beforeAll(async () => {
    gh = await startGitHubServer({ repos: ['plumbing-dev/plumbing'] });
  });
  afterAll(() => gh.close());

  it('opens one issue per cluster, then comments on it while it is open', async () => {
    const github = createGitHub({ auth: { token: gh.token }, baseUrl: gh.url });
    const notify = { githubIssue: { repository: 'plumbing-dev/plumbing', labels: ['kind/deploy-failure'] } };
    const first = await notifyDeploy(notify, failedRun, { github });
    const second = await notifyDeploy(notify, failedRun, { github });
    expect(first).toEqual([expect.stringMatching(/^issue: http.*\/issues\/1$/)]);
    expect(second).toEqual(first);
    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /repos/plumbing-dev/plumbing/issues 200',
      'POST /repos/plumbing-dev/plumbing/issues 201',
      'GET /repos/plumbing-dev/plumbing/issues 200',
      'POST /repos/plumbing-dev/plumbing/issues/1/comments 201',
    ]);
    const created = gh.requests[1]!.body as { title: string; labels: string[]; body: string };
    expect(created).toMatchObject({ title: issueTitle('demo'), labels: ['kind/deploy-failure'] });
    expect(created.body).toContain('Deployment web not healthy');
    expect(JSON.stringify(gh.requests)).not.toContain(gh.token);
  });

  it('sets a failure commit status on the deployed commit, and success when it deploys', async () => {
    gh.reset();
    const github = createGitHub({ auth: { token: gh.token }, baseUrl: gh.url });
    const notify = { githubStatus: { repository: 'plumbing-dev/plumbing' } };
    expect(await notifyDeploy(notify, failedRun, { github })).toEqual([`status: plumbing/deploy/demo failure on ${'b'.repeat(12)}`]);
    await notifyDeploy(notify, { ...failedRun, outcome: 'deployed', message: 'demo: deployed revision 4' }, { github });
    expect(gh.requests.map((r) => [r.path, (r.body as { state: string }).state])).toEqual([
      [`/repos/plumbing-dev/plumbing/statuses/${'b'.repeat(40)}`, 'failure'],
      [`/repos/plumbing-dev/plumbing/statuses/${'b'.repeat(40)}`, 'success'],
    ]);
  });

  it('reports that GitHub could not be told, without failing', async () => {
    gh.reset();
    gh.inject({ path: /issues/, status: 503 });
    const github = createGitHub({ auth: { token: gh.token }, baseUrl: gh.url });
    const lines = await notifyDeploy({ githubIssue: { repository: 'plumbing-dev/plumbing' } }, failedRun, { github });
    expect(lines).toEqual([expect.stringMatching(/^could not report on GitHub: GitHub list issues on plumbing-dev\/plumbing: 503 Service Unavailable$/)]);
    expect(await notifyDeploy({ githubIssue: { repository: 'plumbing-dev/plumbing' } }, failedRun, {})).toEqual(['could not report on GitHub: no GitHub token (set GITHUB_TOKEN)']);
  });
});

describe('deploy failure webhook', () => {
  it('POSTs the failure as JSON to the webhook of the config, and nothing when the deploy succeeded', async () => {
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => {
        text += c.toString();
      });
      req.on('end', () => {
        bodies.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      expect(await notifyDeploy({ webhook: url }, failedRun, {})).toEqual([expect.stringMatching(/^webhook: 127\.0\.0\.1:\d+ answered 204$/)]);
      expect(await notifyDeploy({ webhook: url }, { ...failedRun, outcome: 'deployed' }, {})).toEqual([]);
      expect(bodies).toEqual([{ event: 'deploy-failed', cluster: 'demo', outcome: 'rolled-back', hash: failedRun.hash, commit: failedRun.commit, message: failedRun.message }]);
    } finally {
      server.close();
    }
  });
});
