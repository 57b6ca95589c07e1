// A local Slack-compatible incoming webhook (Slack, Mattermost and Rocket.Chat take the same POST
// of `{"text": …}` to a secret URL), for tests of notifiers: it records every message and
// answers `ok`, or the status a test sets (Slack answers 403 `invalid_token` for a revoked hook).

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackMessage {
  path: string;
  contentType: string;
  body: unknown;
}

export interface SlackWebhookServer {
  /** The webhook URL to configure (a path like Slack's `/services/T…/B…/secret`). */
  url: string;
  readonly messages: SlackMessage[];
  /** Status of the next answers (default 200 `ok`; anything else answers `invalid_token`). */
  status: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSlackWebhookServer(): Promise<SlackWebhookServer> {
  const messages: SlackMessage[] = [];
  const state = { status: 200 };
  const server = createServer((req, res) => {
    readBody(req).then((text) => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Slack answers 400 invalid_payload to a body that is not JSON.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      messages.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status === 200 ? 'ok' : 'invalid_token');
    }, () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/services/T0000/B0000/XXXXSECRET`,
    messages,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
