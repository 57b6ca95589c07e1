// The fetch octokit is given: node:http(s) with keep-alive agents, the answer buffered (REST
// answers are small). Node's global fetch (undici, web streams) costs about a millisecond of CPU
// a call, which `plumbing serve` pays for every commit status; this costs a fraction of that.
// Bodies other than a string or bytes (a stream) go to the global fetch.

import http from 'node:http';
import https from 'node:https';

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

interface Answer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Buffer;
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const h = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = mod.request(url, { method, headers: h, agent: agents[url.protocol as 'http:' | 'https:'], ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) pairs.push([k, Array.isArray(v) ? v.join(', ') : v]);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: pairs, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function plainHeaders(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  // forEach, not entries(): the package is also compiled with the DOM lib (the dashboard's), whose Headers has no entries()
  new Headers(h ?? {}).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** `fetch` for small REST calls over node:http(s); redirects are followed as fetch does (`redirect: 'follow'`). */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const b = init.body;
  const bytes = b === undefined || b === null || typeof b === 'string' || b instanceof Uint8Array;
  if (input instanceof Request || !bytes || (init.redirect !== undefined && init.redirect !== 'follow')) return fetch(input, init);
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = b ?? undefined;
  const headers = plainHeaders(init.headers);
  for (let hop = 0; ; hop++) {
    const a = await send(url, method, headers, body, init.signal ?? undefined);
    const location = a.headers.find(([k]) => k === 'location')?.[1];
    if (REDIRECTS.has(a.status) && location !== undefined && hop < MAX_REDIRECTS) {
      const next = new URL(location, url);
      // As fetch: a 303 (and a 301/302 after a POST) becomes a GET without a body; credentials never go to another origin.
      if (a.status === 303 || ((a.status === 301 || a.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
      continue;
    }
    const noBody = a.status === 204 || a.status === 205 || a.status === 304 || method === 'HEAD';
    const res = new Response(noBody ? null : new Uint8Array(a.body), { status: a.status, statusText: a.statusText, headers: a.headers });
    Object.defineProperty(res, 'url', { value: url.toString() });
    return res;
  }
}
