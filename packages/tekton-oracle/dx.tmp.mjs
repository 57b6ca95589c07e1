import { checkRepository } from '@plumbing/model';
import { readFileSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
const d = JSON.parse(readFileSync('/tmp/plumbing-oracle-differences.json','utf8'));
const want = process.argv.slice(2);
let i=0;
for (const [k,v] of Object.entries(d)) {
  if (!k.includes('false-error')) continue;
  if (want.length && !want.some(w=>k.includes(w))) continue;
  const dir='/tmp/odx/'+(i++); rmSync(dir,{recursive:true,force:true}); mkdirSync(dir,{recursive:true}); writeFileSync(dir+'/doc.yaml', v.sample.yaml);
  const { findings } = await checkRepository(dir, { paths: [dir] });
  const lines = v.sample.yaml.split('\n');
  console.log('=== '+k);
  for (const f of findings.filter(f=>f.severity==='error')) console.log(`  ${f.line}:${f.column} ${f.code} ${f.message.slice(0,200)}  | ${lines[f.line-1]?.trim().slice(0,80)}`);
}
