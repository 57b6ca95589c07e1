/**
 * The run actions of a signed-in writer: rerun, rerun failed only, cancel. Each is a form POST
 * carrying the session's CSRF token; the handler checks the session, the token, the Origin and
 * the user's write permission on the run's repository, then calls serve's own functions.
 */
import type { IncomingMessage } from 'node:http';
import { PlumbingError } from '@plumbing/model';
import type { Core, RunRow } from '@plumbing/serve';
import { esc } from './html.js';
import type { Session } from './session.js';

export const ACTIONS = ['rerun', 'rerun-failed', 'cancel'] as const;
export type ActionName = (typeof ACTIONS)[number];

const ACTIVE = ['queued', 'running'];

/** Which actions a run offers now. */
export function actionsFor(run: RunRow): ActionName[] {
  if (ACTIVE.includes(run.state)) return ['cancel'];
  return (run.state === 'failed' || run.state === 'cancelled') && run.resourceKind === 'PipelineRun' ? ['rerun', 'rerun-failed'] : ['rerun'];
}

const LABELS: Record<ActionName, string> = { rerun: 'Rerun', 'rerun-failed': 'Rerun failed only', cancel: 'Cancel' };

export function actionForms(run: RunRow, v: Session): string {
  const forms = actionsFor(run).map(
    (a) => `<form method="post" action="/runs/${encodeURIComponent(run.name)}/${a}"><input type="hidden" name="csrf" value="${esc(v.csrf)}"><button type="submit" data-action="${a}">${LABELS[a]}</button></form>`,
  );
  return `<section class="actions" aria-label="actions">${forms.join('')}</section>`;
}

/** serve's one rerun function (core.rerunRun, from the serve branch): whole, or only what failed reusing what succeeded. */
type RerunRun = (name: string, opts: { failedOnly?: boolean; actor?: string }) => Promise<RunRow>;

/**
 * A new run of `run`, started by `actor`. With `failedOnly`, the tasks that succeeded are reused
 * (serve's rerunRun(name, {failedOnly})); a serve without rerunRun gets the whole-run rerun and
 * refuses failedOnly. serve's refusals (a TaskRun, a run still going) come back as a message.
 */
export async function rerun(core: Core, run: RunRow, o: { failedOnly: boolean; actor: string }): Promise<RunRow | string> {
  // Looked up at run time: serve's Core has rerun(run) on main and rerunRun(name, opts) on the serve branch; this file compiles against both.
  const api = core as unknown as { rerunRun?: RerunRun; rerun?: (r: RunRow) => Promise<RunRow> };
  const rerunRun = api.rerunRun;
  if (typeof rerunRun !== 'function') {
    if (o.failedOnly || typeof api.rerun !== 'function') return 'rerun failed only is not available in this build of serve (it needs serve.rerunRun with failedOnly)';
    return api.rerun.call(core, run);
  }
  try {
    return await rerunRun.call(core, run.name, { failedOnly: o.failedOnly, actor: o.actor });
  } catch (e) {
    if (e instanceof PlumbingError) return e.message;
    throw e;
  }
}

export function readForm(req: IncomingMessage, max = 16 * 1024): Promise<URLSearchParams | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Runs the action; the answer is a redirect (303) to the run it concerns, or an error status and message. */
export async function runAction(core: Core, run: RunRow, what: ActionName, v: Session): Promise<{ status: number; location?: string; message?: string }> {
  if (!actionsFor(run).includes(what)) return { status: 409, message: `run "${run.name}" is ${run.state}: ${what} does not apply` };
  if (what === 'cancel') {
    const ok = await core.runner.cancel(run.name, 'Cancelled', `cancelled by ${v.login} from the dashboard`);
    return ok ? { status: 303, location: `/runs/${encodeURIComponent(run.name)}` } : { status: 409, message: `run "${run.name}" had already finished` };
  }
  const again = await rerun(core, run, { failedOnly: what === 'rerun-failed', actor: v.login });
  if (typeof again === 'string') return { status: 409, message: again };
  core.opts.log(`dashboard: ${v.login} started ${again.name} (${what} of ${run.name})`);
  return { status: 303, location: `/runs/${encodeURIComponent(again.name)}` };
}
