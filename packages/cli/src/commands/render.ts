import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@plumbing/model';
import { parseOrUsage } from '../args.js';
import type { Io } from '../io.js';
import { findRoot } from '../root.js';

export const RENDER_HELP = `Usage: plumbing render CLUSTER [options]

Prints the exact manifests plumbing deploy CLUSTER applies, from the sources of
clusters/CLUSTER/cluster.yaml: sorted (stage, kind, namespace, name) and stable; TaskRuns,
PipelineRuns and anything under a tests/ folder left out; only the newest version of each
catalog task unless the source says versions: all; the source's namespace set on namespaced
objects that name none; the inventory label applyset.kubernetes.io/part-of on every object.
Works offline.

Options:
  --format FORMAT  yaml (default) or json: {cluster, hash, applysetId, objects}
  --root DIR       repository root (default: nearest .plumbing.yaml or .git)
  -h, --help       show this help

Exit codes: 0 rendered, 1 error (bad config, unreadable or duplicate objects), 2 usage error.
`;

export async function renderCommand(argv: string[], io: Io): Promise<number> {
  const parsed = parseOrUsage('render', () => parse(argv));
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(RENDER_HELP);
    return 0;
  }
  const format = values.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`unknown --format ${format}: use yaml or json`);
  if (positionals.length !== 1) throw new UsageError(`expected one CLUSTER, got ${positionals.length}`, 'see plumbing render --help');
  const root = values.root ? resolve(io.cwd, values.root) : findRoot(io.cwd);
  const { loadClusterConfig, renderCluster, toYamlStream } = await import('@plumbing/deploy');
  const rendered = renderCluster(root, loadClusterConfig(root, positionals[0]!));
  if (format === 'json') io.stdout(`${JSON.stringify({ cluster: rendered.cluster, hash: rendered.hash, applysetId: rendered.applysetId, objects: rendered.objects }, null, 2)}\n`);
  else io.stdout(toYamlStream(rendered.objects));
  io.stderr(`${rendered.objects.length} objects, content hash ${rendered.hash.slice(0, 12)}\n`);
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      root: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
