import type { ReleasePlan } from './types.js';

const MARK: Record<string, string> = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' };

/** The plan as text: the version and why, the commit, the previous release, checks, steps, notes. */
export function formatPlan(plan: ReleasePlan): string {
  const l: string[] = [];
  l.push(`plumbing release ${plan.kind} ${plan.version} (project ${plan.project})${plan.offline ? '  [offline: GitHub not read]' : ''}`);
  l.push(`  version    ${plan.version}: ${plan.versionReason}`);
  const subject = plan.commitSubject.length > 72 ? `${plan.commitSubject.slice(0, 71)}…` : plan.commitSubject;
  l.push(`  commit     ${plan.commit} ${subject} (${plan.branch})`);
  l.push(`  previous   ${plan.previousVersion ?? '(none)'}: ${plan.previousReason}`);
  l.push(`  latest     make_latest "${plan.makeLatest}": ${plan.makeLatestReason}`);
  l.push(`  backend    ${plan.backend}`);
  l.push(`  bucket     ${plan.bucket} (${plan.bucketPrefix}/)`);
  l.push(`  registry   ${plan.imageRegistry}`);
  l.push(`  github     ${plan.repository}${plan.kind === 'full' ? (plan.publish ? ', published' : ', left as a draft for review (--publish to publish)') : ', published as a prerelease'}`);
  if (plan.noChange) {
    l.push('', plan.noChange);
    return `${l.join('\n')}\n`;
  }
  l.push('', 'checks');
  const w = Math.max(...plan.checks.map((c) => c.id.length), 4);
  for (const c of plan.checks) {
    l.push(`  ${MARK[c.status]}  ${c.id.padEnd(w)}  ${c.reason}`);
    if (c.status === 'fail' && c.hint) l.push(`  ${' '.repeat(4)}  ${' '.repeat(w)}  → ${c.hint}`);
  }
  l.push('', 'steps');
  const ws = Math.max(...plan.steps.map((s) => s.id.length), 4);
  for (const s of plan.steps) l.push(`  ${s.action.padEnd(7)}  ${s.id.padEnd(ws)}  ${s.detail}`);
  l.push('', `notes (${plan.notesSource === 'pull-requests' ? `${plan.pullRequests} merged pull request(s)` : 'from git log: pull requests not read'})`);
  for (const line of plan.notes.replace(/\s+$/, '').split('\n')) l.push(`  | ${line}`);
  l.push('');
  if (plan.refused) l.push(`refused: ${plan.checks.filter((c) => c.status === 'fail').length} check(s) failed (see → for the way forward)`);
  else if (!plan.pending) l.push(`nothing to do: ${plan.version} of ${plan.project} is released; every step is there and verified`);
  else l.push(`${plan.steps.filter((s) => s.action !== 'skip').length} step(s) to do`);
  return `${l.join('\n')}\n`;
}
