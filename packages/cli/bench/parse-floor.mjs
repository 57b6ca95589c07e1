// The floor: only list, read and parse the same YAML files with the yaml library.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = process.argv[2];
let files = 0;
let docs = 0;
const stack = [''];
while (stack.length) {
  const d = stack.pop();
  for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    const rel = d ? `${d}/${e.name}` : e.name;
    if (e.isDirectory()) stack.push(rel);
    else if (e.name.endsWith('.yaml')) {
      docs += parseAllDocuments(readFileSync(join(root, rel), 'utf8')).length;
      files++;
    }
  }
}
process.on('exit', () => process.stderr.write(`${JSON.stringify({ files, docs, maxRssKb: process.resourceUsage().maxRSS })}\n`));
