// Runs @ibm/tekton-lint (the tool people use today) over every YAML file of a tree in this process's
// child, and reports its finding count and peak RSS like check-once.mjs does.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const lint = join(dirname(require.resolve('@ibm/tekton-lint/package.json')), 'dist', 'lint.js');
const dir = process.argv[2];
const r = spawnSync(process.execPath, [lint, '--format', 'json', '--color', 'false', `${dir}/**/*.yaml`, `${dir}/**/*.yml`], {
  cwd: dir,
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
let findings = 0;
try {
  findings = JSON.parse(r.stdout).length;
} catch {
  findings = -1;
}
process.stderr.write(`${JSON.stringify({ code: r.status, findings, maxRssKb: process.resourceUsage().maxRSS, childMaxRssKb: 0 })}\n`);
