import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CODES, checkRepository, formatFindingText, UsageError, type Finding } from '@plumbing/model';
import { kustomizeBuilder } from '@plumbing/kustomize';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const CHECK_HELP = `Usage: plumbing check [PATH...] [options]

Validates every Tekton, Triggers and Kubernetes resource in the repository (or only
in PATHs) with the rules of the Tekton webhooks, the run-time reconcilers, catlin and
tekton-lint, plus cross-file checks (references between Tasks, Pipelines, Triggers,
ServiceAccounts). Every finding has a file, a line and a column.

Options:
  --profile NAME     add a rule profile (repeatable); "catalog" adds the catalog rules
  --format FORMAT    text (default) or json: one JSON array of
                     {code, severity, message, file, line, column, path}
  --root DIR         repository root (default: nearest .plumbing.yaml or .git)
  -j, --jobs N       threads that parse YAML (default: the number of cores; large repos only)
  --no-cache         parse every file (by default, files unchanged since the last check are
                     taken from node_modules/.cache/plumbing, or .plumbing/cache without it)
  --list-codes       print every finding code with its default severity
  -q, --quiet        print errors only (text format)
  -h, --help         show this help

Severities are set per code in .plumbing.yaml at the repository root:
  check:
    severity: { IMAGE_NOT_FULLY_QUALIFIED: warning, UNUSED_PARAM: off }
    profiles: { "tasks/**": [catalog] }
    exclude: ["some/dir/**"]

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 usage error.
`;

function usageFinding(message: string): Finding {
  return { code: 'USAGE', severity: 'error', message, file: '', line: 0, column: 0 };
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  const wantsJson = argv.includes('json') && argv.some((a) => a === '--format' || a.startsWith('--format='));
  try {
    parsed = parse(argv);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (wantsJson) io.stdout(`${JSON.stringify([usageFinding(msg)])}\n`);
    throw new UsageError(msg, 'see plumbing check --help');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(CHECK_HELP);
    return 0;
  }
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') {
    if (wantsJson) io.stdout(`${JSON.stringify([usageFinding(`unknown format ${format}`)])}\n`);
    throw new UsageError(`unknown --format ${format}: use text or json`);
  }
  if (values['list-codes']) {
    if (format === 'json') io.stdout(`${JSON.stringify(CODES, null, 2)}\n`);
    else for (const [code, info] of Object.entries(CODES)) io.stdout(`${code.padEnd(40)} ${info.severity.padEnd(8)} ${info.summary}${'profile' in info ? ` [profile ${info.profile}: ${info.profileSeverity}]` : ''}${'stricterThanTekton' in info ? ' [stricter than Tekton]' : ''}\n`);
    return 0;
  }
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const paths = positionals.map((p) => resolve(io.cwd, p));
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
    if (wantsJson) io.stdout(`${JSON.stringify([usageFinding(`--jobs must be a whole number ≥ 1, got ${values.jobs}`)])}\n`);
    throw new UsageError(`--jobs must be a whole number ≥ 1, got ${values.jobs}`);
  }
  let findings: Finding[];
  let filesChecked = 0;
  try {
    const result = await checkRepository(root, {
      paths,
      profiles: values.profile ?? [],
      kustomize: kustomizeBuilder(root, { log: (line) => io.stderr(`${line}\n`) }),
      ...(jobs === undefined ? {} : { workers: jobs }),
      ...(values['no-cache'] ? {} : { cacheFile: cacheFileOf(root) }),
    });
    findings = result.findings;
    filesChecked = result.filesChecked;
  } catch (e) {
    findings = [{ code: 'INTERNAL_ERROR', severity: 'error', message: e instanceof Error ? e.message : String(e), file: '.', line: 1, column: 1 }];
  }
  // Paths are printed relative to the current directory so that they are clickable.
  const rel = (f: string) => {
    if (f === '' || f === '.') return f;
    const r = relative(io.cwd, resolve(root, f));
    return r === '' ? f : r;
  };
  const shown = findings.map((f) => ({ ...f, file: rel(f.file) }));
  const errors = shown.filter((f) => f.severity === 'error').length;
  if (format === 'json') {
    io.stdout(`${JSON.stringify(shown.map((f) => ({ code: f.code, severity: f.severity, message: f.message, file: f.file, line: f.line, column: f.column, path: f.path ?? '', ...(f.hint ? { hint: f.hint } : {}) })))}\n`);
  } else {
    const list = values.quiet ? shown.filter((f) => f.severity === 'error') : shown;
    for (const f of list) io.stdout(`${formatFindingText(f)}\n`);
    const warnings = shown.filter((f) => f.severity === 'warning').length;
    io.stderr(`checked ${filesChecked} file${filesChecked === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  return errors > 0 ? 1 : 0;
}

/** Where the parse cache lives: beside other tools' caches when the repository has node_modules. */
export function cacheFileOf(root: string): string {
  return existsSync(join(root, 'node_modules')) ? join(root, 'node_modules', '.cache', 'plumbing', 'check-parse.bin') : join(root, '.plumbing', 'cache', 'check-parse.bin');
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string', multiple: true },
      format: { type: 'string' },
      root: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      'no-cache': { type: 'boolean' },
      'list-codes': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
