#!/usr/bin/env node
// npm run bench:fidelity -- DIR... [--format json] [--examples N]
// For each directory: `plumbing check` over it (one run, as a user would) and Tekton's own answer
// (the oracle) for every document of every YAML file; prints how often they agree, and the
// disagreements by code (false errors) and by Tekton's stage (missed refusals).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureFidelity, summarize, TektonOracle } from '@plumbing/tekton-oracle';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { format: { type: 'string', default: 'text' }, examples: { type: 'string', default: '3' }, help: { type: 'boolean' } },
});
if (values.help || positionals.length === 0) {
  process.stdout.write('usage: npm run bench:fidelity -- DIR... [--format json] [--examples N]\n');
  process.exit(positionals.length === 0 && !values.help ? 2 : 0);
}

const tally = (items) => {
  const m = new Map();
  for (const [key, example] of items) {
    const e = m.get(key) ?? { count: 0, examples: [] };
    e.count++;
    if (e.examples.length < Number(values.examples)) e.examples.push(example);
    m.set(key, e);
  }
  return Object.fromEntries([...m].sort((a, b) => b[1].count - a[1].count));
};

const oracle = await TektonOracle.start();
const reports = [];
try {
  for (const dir of positionals) {
    const t0 = performance.now();
    const r = await measureFidelity(resolve(dir), oracle);
    const s = summarize(r.documents);
    reports.push({
      dir,
      files: r.files,
      ...s,
      splitMismatches: r.splitMismatches.length,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      falseErrors: tally(r.documents.filter((d) => d.agreement === 'false-error').flatMap((d) => d.codes.map((c) => [c, `${d.file} (${d.kind})`]))),
      missedClasses: tally(r.documents.filter((d) => d.agreement === 'missed').map((d) => [`${d.kind} ${d.oracle?.stage}`, `${d.file}: ${d.oracle?.message.slice(0, 160)}`])),
    });
  }
} finally {
  await oracle.close();
}

if (values.format === 'json') {
  process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
} else {
  for (const r of reports) {
    const pct = (r.agreement * 100).toFixed(1);
    process.stdout.write(`\n${r.dir}: ${r.files} YAML files, ${r.documents} Tekton documents, agreement ${pct}% (${r.seconds}s)\n`);
    process.stdout.write(`  agree: ${r['agree-accept']} accepted, ${r['agree-refuse']} refused by both; false errors: ${r['false-error']}; missed refusals: ${r.missed}; files split differently: ${r.splitMismatches}\n`);
    for (const [what, label] of [[r.falseErrors, 'false error'], [r.missedClasses, 'missed']]) {
      for (const [key, e] of Object.entries(what)) {
        process.stdout.write(`  ${label} ${key} ×${e.count}\n${e.examples.map((x) => `      ${x}\n`).join('')}`);
      }
    }
  }
}
