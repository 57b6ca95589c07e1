// Runs `plumbing check` in this process (extra arguments are passed on, e.g. --no-cache) and reports its peak RSS on exit.
import { main } from '../dist/main.js';

const code = await main(['check', '--root', process.argv[2], '--format', 'json', ...process.argv.slice(3), process.argv[2]], {
  cwd: process.argv[2],
  env: process.env,
  stdout: (s) => {
    globalThis.__findings = (globalThis.__findings ?? 0) + (s.length > 2 ? JSON.parse(s).length : 0);
  },
  stderr: () => {},
  isTTY: false,
  signal: new AbortController().signal,
});
const usage = process.resourceUsage();
process.stderr.write(`${JSON.stringify({ code, findings: globalThis.__findings ?? 0, maxRssKb: usage.maxRSS, cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000) })}\n`);
