// Commit statuses and check runs: how a result gets onto a commit or pull request.

import type { Caller } from './client.js';
import type { CheckAnnotation, CheckOutput, CheckRunCreate, CheckRunInfo, CheckRunWrite, CiState, StatusWrite } from './types.js';

export interface ChecksPort {
  /** `POST /repos/{o}/{r}/statuses/{sha}`; the description is cut to GitHub's 140 characters. */
  createStatus(sha: string, s: StatusWrite): Promise<void>;
  /** The combined status and every check run of a commit. */
  ciState(sha: string): Promise<CiState>;
  /** Creates a check run; annotations past the first 50 are sent as updates, 50 per request. */
  createCheckRun(r: CheckRunCreate): Promise<CheckRunInfo>;
  /** Updates a check run; annotations are appended, 50 per request. */
  updateCheckRun(id: number, r: CheckRunWrite): Promise<CheckRunInfo>;
  /** Every check run on a commit (or branch, or tag), all pages. */
  listCheckRuns(ref: string): Promise<CheckRunInfo[]>;
}

type Repo = { owner: string; repo: string };

/** GitHub's limits: annotations per request, characters of a summary or text, of a status description. */
export const ANNOTATIONS_PER_REQUEST = 50;
export const OUTPUT_TEXT_LIMIT = 65_535;
const DESCRIPTION_LIMIT = 140;

function cut(s: string, limit: number): string {
  if (s.length <= limit) return s;
  const note = '\n\n… (cut to fit GitHub\'s limit)';
  return s.slice(0, limit - note.length) + note;
}

function wireAnnotation(a: CheckAnnotation) {
  const sameLine = a.startLine === a.endLine;
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    ...(sameLine && a.startColumn !== undefined ? { start_column: a.startColumn } : {}),
    ...(sameLine && a.endColumn !== undefined ? { end_column: a.endColumn } : {}),
    annotation_level: a.level,
    message: a.message,
    ...(a.title === undefined ? {} : { title: a.title }),
    ...(a.rawDetails === undefined ? {} : { raw_details: a.rawDetails }),
  };
}

function wireOutput(out: CheckOutput, annotations: readonly CheckAnnotation[]) {
  return {
    title: out.title,
    summary: cut(out.summary, OUTPUT_TEXT_LIMIT),
    ...(out.text === undefined ? {} : { text: cut(out.text, OUTPUT_TEXT_LIMIT) }),
    ...(annotations.length ? { annotations: annotations.map(wireAnnotation) } : {}),
  };
}

function wireFields(r: CheckRunWrite) {
  return {
    ...(r.status === undefined ? {} : { status: r.status }),
    ...(r.conclusion === undefined ? {} : { conclusion: r.conclusion }),
    ...(r.detailsUrl === undefined ? {} : { details_url: r.detailsUrl }),
    ...(r.externalId === undefined ? {} : { external_id: r.externalId }),
    ...(r.startedAt === undefined ? {} : { started_at: r.startedAt }),
    ...(r.completedAt === undefined ? {} : { completed_at: r.completedAt }),
  };
}

/** The annotations in batches of 50: the first goes with the write, the others are updates. */
export function annotationBatches(all: readonly CheckAnnotation[]): CheckAnnotation[][] {
  const out: CheckAnnotation[][] = [];
  for (let i = 0; i < all.length; i += ANNOTATIONS_PER_REQUEST) out.push(all.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return out.length ? out : [[]];
}

interface WireCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  html_url: string | null;
  details_url: string | null;
}

function toCheckRun(r: WireCheckRun): CheckRunInfo {
  return { id: r.id, name: r.name, headSha: r.head_sha, status: r.status, conclusion: r.conclusion, htmlUrl: r.html_url, detailsUrl: r.details_url };
}

export function checksPort(c: Caller, o: Repo): ChecksPort {
  const update = async (id: number, fields: Record<string, unknown>, what: string): Promise<CheckRunInfo> => {
    const res = await c.call(what, (k) => k.rest.checks.update({ ...o, check_run_id: id, ...fields }));
    return toCheckRun(res.data);
  };
  /** Sends the batches after the first as updates that carry only the output (GitHub appends annotations). */
  const appendAnnotations = async (run: CheckRunInfo, out: CheckOutput, rest: CheckAnnotation[][]): Promise<CheckRunInfo> => {
    let last = run;
    for (const [i, batch] of rest.entries()) {
      last = await update(run.id, { output: wireOutput(out, batch) }, `add annotations ${(i + 1) * ANNOTATIONS_PER_REQUEST + 1}… to check run ${run.name}`);
    }
    return last;
  };
  return {
    async createStatus(sha, s) {
      const fields = {
        state: s.state,
        context: s.context,
        ...(s.description === undefined ? {} : { description: s.description.slice(0, DESCRIPTION_LIMIT) }),
        ...(s.targetUrl === undefined ? {} : { target_url: s.targetUrl }),
      };
      await c.call(`set the ${s.context} status of ${sha.slice(0, 12)}`, (k) => k.rest.repos.createCommitStatus({ ...o, sha, ...fields }));
    },
    async ciState(sha) {
      const short = sha.slice(0, 7);
      const combined = await c.call(`combined status of ${short}`, (k) => k.rest.repos.getCombinedStatusForRef({ ...o, ref: sha, per_page: 100 }));
      const runs = await c.call(`check runs of ${short}`, (k) => k.paginate(k.rest.checks.listForRef, { ...o, ref: sha, per_page: 100 }));
      return {
        combined: combined.data.state as CiState['combined'],
        statuses: combined.data.statuses.map((s) => ({ context: s.context, state: s.state })),
        checkRuns: runs.map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion })),
      };
    },
    async createCheckRun(r) {
      const [first = [], ...rest] = annotationBatches(r.output?.annotations ?? []);
      const output = r.output ? { output: wireOutput(r.output, first) } : {};
      const res = await c.call(`create check run ${r.name} for ${r.headSha.slice(0, 12)}`, (k) =>
        k.rest.checks.create({ ...o, name: r.name, head_sha: r.headSha, ...wireFields(r), ...output }),
      );
      const run = toCheckRun(res.data);
      return r.output ? appendAnnotations(run, r.output, rest) : run;
    },
    async updateCheckRun(id, r) {
      const [first = [], ...rest] = annotationBatches(r.output?.annotations ?? []);
      const output = r.output ? { output: wireOutput(r.output, first) } : {};
      const run = await update(id, { ...wireFields(r), ...output }, `update check run ${id}`);
      return r.output ? appendAnnotations(run, r.output, rest) : run;
    },
    async listCheckRuns(ref) {
      const all = await c.call(`check runs of ${ref}`, (k) => k.paginate(k.rest.checks.listForRef, { ...o, ref, per_page: 100 }));
      return all.map(toCheckRun);
    },
  };
}
