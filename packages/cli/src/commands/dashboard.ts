import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const DASHBOARD_HELP = `Usage: plumbing dashboard export DIR [options]

Writes the public pages of the runs plumbing serve stored as static files under DIR, for a
bucket or any static web server: DIR/index.html (the runs, newest first), DIR/runs/NAME/index.html
(a run: status, pipeline graph, timeline, params, results) and, for each step,
DIR/runs/NAME/logs/TASK/STEP.html (lines with #L anchors) next to the raw STEP.log. Links are
relative, so the tree works under any base URL. Runs of private repositories are never written.
Name the URL it is published at in spec.serve.dashboard.exportBaseUrl: the dashboard's release
and deploy runs then link to their public logs there.

Options:
  --db TARGET        a SQLite file or a postgres:// URL (default .plumbing/serve.db)
  -n, --limit N      the N newest runs (default 1000)
  --format FORMAT    text (default) or json: {dir, runs, logs}
  --root DIR         repository root (default: nearest .plumbing.yaml or .git)
  -h, --help         show this help

Exit codes: 0 written, 1 error (the store cannot be read, DIR cannot be written), 2 usage error.
`;

export async function dashboardCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOrUsage('dashboard', () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        db: { type: 'string' },
        limit: { type: 'string', short: 'n' },
        format: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    io.stdout(DASHBOARD_HELP);
    return 0;
  }
  if (positionals[0] !== 'export' || positionals.length !== 2) throw new UsageError(`expected: plumbing dashboard export DIR, got: plumbing dashboard ${positionals.join(' ')}`, 'see plumbing dashboard --help');
  if (values.format !== undefined && values.format !== 'json' && values.format !== 'text') throw new UsageError(`--format is text or json, got ${values.format}`);
  const limit = values.limit === undefined ? 1000 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got ${values.limit}`);
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const dir = resolve(io.cwd, positionals[1]!);
  const { defaultDbFile, openDb, Store } = await import('@plumbing/serve');
  const { exportStatic } = await import('@plumbing/dashboard');
  const db = values.db ? (/^postgres(ql)?:\/\//.test(values.db) ? values.db : resolve(io.cwd, values.db)) : defaultDbFile(root);
  const store = new Store(await openDb(db));
  try {
    await store.migrate();
    const r = await exportStatic({ store, root, dir, limit });
    io.stdout(values.format === 'json' ? `${JSON.stringify(r)}\n` : `wrote ${r.runs} runs and ${r.logs} step logs to ${r.dir} (open ${r.dir}/index.html)\n`);
  } finally {
    await store.close();
  }
  return 0;
}
