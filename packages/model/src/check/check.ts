import { CODES, type Code, type CodeInfo, isCode } from './codes.js';
import type { Finding, Severity, SeverityOrOff } from './finding.js';
import { sortFindings } from './finding.js';
import type { RepoIndex } from '../yaml/repo-index.js';
import type { DocContext, DocRule, RepoContext, RepoRule, ReportOptions } from './rule.js';
import { DOC_RULES, REPO_RULES } from '../rules/index.js';
import { findingAt, type ResourceDoc } from '../yaml/source.js';
import { isKubernetesObject } from '../types/kinds.js';
import { applyUnitsOf } from '../yaml/apply-units.js';
import { templateMarkerLine } from '../yaml/template.js';
import { kustomizeRenderOf, type KustomizeRender } from '../kustomize/render.js';
import type { KustomizeBuild } from '../kustomize/build-result.js';
import { renderFromBuilds } from '../kustomize/real.js';
import { formatPath } from './finding.js';

export interface CheckOptions {
  /** Profiles to enable everywhere, e.g. `catalog`. */
  profiles?: readonly string[];
  /** Extra profiles for a file (from the config's `check.profiles` globs). */
  fileProfiles?: (file: string) => readonly string[];
  /** Severity overrides by code. */
  severities?: Readonly<Record<string, SeverityOrOff>>;
  /** Only report findings for these files (the index may hold more, for references). */
  onlyFiles?: ReadonlySet<string>;
  docRules?: readonly DocRule[];
  repoRules?: readonly RepoRule[];
  /** Non-YAML files of the repository (relative paths), for rules such as CATALOG_README. */
  extraFiles?: ReadonlySet<string>;
  /** What a real kustomize rendered, by kustomization directory; without it, the built-in approximation renders. */
  kustomizeBuilds?: ReadonlyMap<string, KustomizeBuild>;
  /** Why the built-in approximation rendered (no real kustomize here): said once per kustomization it rendered. */
  kustomizeApproximated?: string;
}

function effectiveSeverity(code: string, profiles: ReadonlySet<string>, overrides: Readonly<Record<string, SeverityOrOff>>): SeverityOrOff {
  const o = overrides[code];
  if (o) return o;
  const info: CodeInfo | undefined = isCode(code) ? CODES[code] : undefined;
  if (!info) return 'error';
  if (info.profile && profiles.has(info.profile) && info.profileSeverity) return info.profileSeverity;
  return info.severity;
}

/** What every rule reports through: severities by file (profiles, overrides), `onlyFiles`, the output. */
interface Reporter {
  out: Finding[];
  profilesOf: (file: string) => { key: string; set: ReadonlySet<string> };
  sev: (code: string, file: string) => SeverityOrOff;
  emit: (f: Finding) => void;
  reportAt: RepoContext['reportAt'];
}

/**
 * `skip`: files whose findings are dropped (generator templates, reported once by their own finding).
 * `kustomize`: a finding on a rendered object is reported where that part was written (resource or patch).
 */
function reporter(opts: CheckOptions, skip: ReadonlySet<string> = new Set(), kustomize?: KustomizeRender): Reporter {
  const profiles = new Set(opts.profiles ?? []);
  const overrides = opts.severities ?? {};
  const only = opts.onlyFiles;
  const out: Finding[] = [];
  const sevCache = new Map<string, SeverityOrOff>();
  const renderedSeen = new Set<string>();
  const profileCache = new Map<string, { key: string; set: ReadonlySet<string> }>();
  const profilesOf = (file: string) => {
    let p = profileCache.get(file);
    if (!p) {
      const extra = opts.fileProfiles?.(file) ?? [];
      const set = extra.length === 0 ? profiles : new Set([...profiles, ...extra]);
      p = { key: [...set].sort().join(','), set };
      profileCache.set(file, p);
    }
    return p;
  };
  const sev = (code: string, file: string): SeverityOrOff => {
    const p = profilesOf(file);
    const k = `${code}|${p.key}`;
    let s = sevCache.get(k);
    if (!s) {
      s = effectiveSeverity(code, p.set, overrides);
      sevCache.set(k, s);
    }
    return s;
  };
  const emit = (f: Finding) => {
    if ((only && !only.has(f.file)) || skip.has(f.file)) return;
    out.push(f);
  };
  const reportAt = (doc: ResourceDoc, code: Code, path: readonly (string | number)[], message: string, o: ReportOptions = {}) => {
    const origin = kustomize?.originOf(doc, path);
    const at = origin?.doc ?? doc;
    if ((only && !only.has(at.file)) || skip.has(at.file)) return;
    if (code === 'FEATURE_FLAG_REQUIRED' && !o.gate) throw new Error(`FEATURE_FLAG_REQUIRED reported without its gate: ${message}`);
    const s = sev(code, at.file);
    if (s === 'off') return;
    const f = findingAt(at, origin?.path ?? path, code, s as Severity, message, o);
    if (origin) {
      // A base rendered on its own and by each overlay: one finding per position and code.
      const key = `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.code}`;
      if (renderedSeen.has(key)) return;
      renderedSeen.add(key);
      if (path.length > 0) f.path = formatPath(path);
      else delete f.path;
    }
    emit(f);
  };
  return { out, profilesOf, sev, emit, reportAt };
}

/** "Not in the repository": not said of an object rendered without its remote base, which may define the name. */
const DEFINED_ELSEWHERE: ReadonlySet<string> = new Set(['UNRESOLVED_TASK_REF', 'UNRESOLVED_TRIGGER_REF', 'SERVICE_ACCOUNT_UNDEFINED']);

/** Runs every document rule over each document of the index (rules for its kind, then rules for all), and over what kustomizations render. */
function runDocRules(index: RepoIndex, opts: CheckOptions, r: Reporter, kustomize: KustomizeRender): void {
  const byKind = new Map<string, DocRule[]>();
  const forAll: DocRule[] = [];
  for (const rule of opts.docRules ?? DOC_RULES) {
    if (!rule.kinds) forAll.push(rule);
    else for (const k of rule.kinds) byKind.set(k, [...(byKind.get(k) ?? []), rule]);
  }
  const run = (doc: ResourceDoc, partial = false) => {
    if (!isKubernetesObject(doc.value)) return;
    const ctx: DocContext = {
      doc,
      value: doc.value,
      index,
      profiles: r.profilesOf(doc.file).set,
      report: (code, path, message, o) => {
        if (!partial || !DEFINED_ELSEWHERE.has(code)) r.reportAt(doc, code, path, message, o);
      },
      enabled: (code) => r.sev(code, doc.file) !== 'off',
      reportAt: r.reportAt,
    };
    for (const rule of [...forAll, ...(doc.kind ? (byKind.get(doc.kind) ?? []) : [])]) {
      try {
        rule.check(ctx);
      } catch (e) {
        r.emit(internalError(doc.file, rule.id, e));
      }
    }
  };
  const { kustomizeInputs } = applyUnitsOf(index.files);
  for (const doc of index.docs) {
    if (opts.onlyFiles && !opts.onlyFiles.has(doc.file)) continue;
    if (kustomize.consumed.has(doc.file)) continue;
    const input = kustomizeInputs.get(doc.file);
    if (input) {
      if (input.role === 'patch' && doc.index === 0 && !kustomize.rendered.has(input.by) && isKubernetesObject(doc.value)) {
        r.reportAt(doc, 'KUSTOMIZE_PATCH_NOT_CHECKED', [], `a kustomize patch of ${input.by}, which is not rendered: not an object on its own, not checked`);
      }
      continue;
    }
    run(doc);
  }
  for (const o of kustomize.objects) {
    if (opts.onlyFiles && ![...o.files].some((f) => opts.onlyFiles?.has(f))) continue;
    run(o.doc, o.partial);
  }
  for (const n of kustomize.notices) r.reportAt(n.at.doc, n.code, n.at.path, n.message);
  if (opts.kustomizeApproximated === undefined || opts.kustomizeBuilds) return;
  for (const file of new Set(kustomize.objects.map((o) => o.kustomization))) {
    const doc = index.files.find((f) => f.file === file)?.docs[0];
    if (doc) r.reportAt(doc, 'KUSTOMIZE_APPROXIMATED', [], `rendered by plumbing's built-in approximation of kustomize, not kustomize itself (${opts.kustomizeApproximated})`);
  }
}

/** Runs the repository rules once over the whole index. */
function runRepoRules(index: RepoIndex, opts: CheckOptions, r: Reporter): void {
  const repoCtx: RepoContext = {
    index,
    profiles: new Set(opts.profiles ?? []),
    reportAt: r.reportAt,
    reportFile: (file, code, message, o) => {
      const s = r.sev(code, file);
      if (s === 'off') return;
      const f: Finding = { code, severity: s as Severity, message, file, line: 1, column: 1 };
      if (o?.hint) f.hint = o.hint;
      r.emit(f);
    },
  };
  if (opts.extraFiles) repoCtx.extraFiles = opts.extraFiles;
  for (const rule of opts.repoRules ?? REPO_RULES) {
    try {
      rule.check(repoCtx);
    } catch (e) {
      r.emit(internalError(index.files[0]?.file ?? '.', rule.id, e));
    }
  }
}

/** Runs every rule over the index. Never throws: a rule that crashes becomes one INTERNAL_ERROR finding. */
export function checkIndex(index: RepoIndex, opts: CheckOptions = {}): Finding[] {
  const templates = new Map<string, number>();
  for (const file of index.files) {
    const line = templateMarkerLine(file.text);
    if (line !== undefined) templates.set(file.file, line);
  }
  const kustomize = opts.kustomizeBuilds ? renderFromBuilds(index.files, opts.kustomizeBuilds) : kustomizeRenderOf(index.files);
  const r = reporter(opts, new Set(templates.keys()), kustomize);
  for (const [file, line] of templates) {
    if (opts.onlyFiles && !opts.onlyFiles.has(file)) continue;
    const s = r.sev('GENERATOR_TEMPLATE', file);
    if (s !== 'off') {
      r.out.push({ code: 'GENERATOR_TEMPLATE', severity: s as Severity, message: 'a template of a generator (Helm, Jinja, ...): checked only once rendered', file, line, column: 1 });
    }
  }
  for (const file of index.files) {
    if (opts.onlyFiles && !opts.onlyFiles.has(file.file)) continue;
    if (templates.has(file.file)) continue;
    for (const f of file.findings) {
      const s = r.sev(f.code, f.file);
      if (s !== 'off') r.out.push({ ...f, severity: s as Severity });
    }
  }
  runDocRules(index, opts, r, kustomize);
  runRepoRules(index, opts, r);
  return sortFindings(r.out);
}

function internalError(file: string, rule: string, e: unknown): Finding {
  const msg = e instanceof Error ? e.message : String(e);
  return {
    code: 'INTERNAL_ERROR',
    severity: 'error',
    message: `rule ${rule} failed: ${msg}`,
    file,
    line: 1,
    column: 1,
    hint: 'this is a bug in plumbing check; please report it with the file',
  };
}
