// Pathological single files for npm run bench:check: a 2 MB file of many Task documents, a 2 MB
// Task with thousands of steps, and an alias bomb (its expansion must stay bounded: one finding).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TWO_MB = 2 * 1024 * 1024;

/** Writes each case into its own directory under `root`; returns [{ name, dir, bytes }]. */
export function writeBigFiles(root, repoRoot) {
  const task = readFileSync(join(repoRoot, 'tasks/git-clone/0.1/git-clone.yaml'), 'utf8');
  const docs = [];
  for (let i = 0, size = 0; size < TWO_MB; i++) {
    const doc = task.replace(/^( {2}name: )git-clone$/m, `$1git-clone-${i}`);
    docs.push(doc);
    size += doc.length + 5;
  }
  const steps = [];
  for (let i = 0, size = 0; size < TWO_MB; i++) {
    const step = `    - name: step-${i}\n      image: docker.io/library/alpine:3.20\n      env:\n        - {name: MSG, value: "$(params.msg)"}\n      script: |\n        #!/bin/sh\n        echo "$MSG ${i}" > $(results.out.path)\n`;
    steps.push(step);
    size += step.length;
  }
  const bigTask = `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: many-steps\nspec:\n  params:\n    - name: msg\n  results:\n    - name: out\n  steps:\n${steps.join('')}`;
  const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) bomb.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
  const cases = [
    { name: '2 MB of Task documents', file: 'many-docs.yaml', text: docs.join('\n---\n') },
    { name: '2 MB Task, thousands of steps', file: 'many-steps.yaml', text: bigTask },
    { name: 'alias bomb', file: 'bomb.yaml', text: `${bomb.join('\n')}\n` },
  ];
  return cases.map((c) => {
    const dir = join(root, c.file.replace('.yaml', ''));
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, c.file), c.text);
    return { name: c.name, dir, bytes: Buffer.byteLength(c.text) };
  });
}
