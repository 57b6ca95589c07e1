// nodeFetch against a real local HTTP server: what octokit reads from a fetch answer, and
// redirects followed as fetch follows them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetch } from './node-fetch.js';

let server: Server;
let base: string;
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => {
      s += c.toString();
    });
    req.on('end', () => resolve(s));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: await body(req) });
    if (req.url === '/moved') res.writeHead(302, { location: '/json' }).end();
    else if (req.url === '/see-other') res.writeHead(303, { location: `${base}/json` }).end();
    else if (req.url === '/empty') res.writeHead(204).end();
    else res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json; charset=utf-8', 'x-many': ['a', 'b'] }).end(JSON.stringify({ got: req.method }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('nodeFetch (a real local HTTP server)', () => {
  it('sends method, headers and body; answers status, url, headers and body as fetch does', async () => {
    seen.length = 0;
    const res = await nodeFetch(`${base}/statuses/abc`, { method: 'POST', headers: { authorization: 'token t', 'content-type': 'application/json' }, body: '{"state":"pending"}' });
    expect([res.status, res.url, res.headers.get('content-type'), res.headers.get('x-many')]).toEqual([201, `${base}/statuses/abc`, 'application/json; charset=utf-8', 'a, b']);
    expect(await res.json()).toEqual({ got: 'POST' });
    expect(seen).toEqual([{ method: 'POST', url: '/statuses/abc', auth: 'token t', body: '{"state":"pending"}' }]);
  });

  it('follows a 302 keeping the method, and turns a POST answered 303 into a GET without a body', async () => {
    seen.length = 0;
    const moved = await nodeFetch(`${base}/moved`, { headers: { authorization: 'token t' } });
    expect([moved.status, moved.url]).toEqual([200, `${base}/json`]);
    const other = await nodeFetch(`${base}/see-other`, { method: 'POST', body: 'x' });
    expect([other.status, await other.json()]).toEqual([200, { got: 'GET' }]);
    expect(seen.map((s) => [s.method, s.url, s.auth ?? null, s.body])).toEqual([
      ['GET', '/moved', 'token t', ''],
      ['GET', '/json', 'token t', ''],
      ['POST', '/see-other', null, 'x'],
      ['GET', '/json', null, ''],
    ]);
  });

  it('answers 204 with no body, and fails with the network error when nothing listens', async () => {
    const res = await nodeFetch(`${base}/empty`, { method: 'DELETE' });
    expect([res.status, await res.text()]).toEqual([204, '']);
    await expect(nodeFetch('http://127.0.0.1:1/x')).rejects.toThrow(/ECONNREFUSED/);
  });
});
