/**
 * Server-sent events for the pages: `run` (a run's name and state) on every change serve reports,
 * and `step` for the run page. A comment line every 25 s keeps proxies from closing the stream.
 */
import type { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { RunRow } from '@plumbing/serve';

export function streamEvents(events: EventEmitter, res: ServerResponse, visible: (r: RunRow) => boolean, only?: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(': connected\n\n');
  const onRun = (r: RunRow) => {
    if ((only === undefined || r.name === only) && visible(r)) res.write(`event: run\ndata: ${JSON.stringify({ name: r.name, state: r.state })}\n\n`);
  };
  const onStep = (e: { run: string }) => {
    if (only !== undefined && e.run === only) res.write(`event: step\ndata: ${JSON.stringify({ name: e.run })}\n\n`);
  };
  const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
  events.on('run', onRun);
  events.on('step', onStep);
  res.on('close', () => {
    clearInterval(ping);
    events.off('run', onRun);
    events.off('step', onStep);
  });
}
