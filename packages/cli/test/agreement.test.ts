/**
 * `plumbing check` and `plumbing run` agree (issue 9): one table of inputs, each written to a
 * temp repository and run through both, in-process through the CLI's `main(argv, io)`. Where
 * check reports an error, run refuses; where check is silent, run accepts. And since `plumbing
 * run` gates on the same check, each input also goes to the engines directly (the executor's
 * public API, with no check before it): they must refuse what check refuses on their own. A
 * second copy of a Tekton semantic in the executor that drifts from @plumbing/model fails here.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executePipelineRun, executeRuns, executeTaskRun, loadRunsFromFiles } from '@plumbing/executor';
import { describe, expect, it } from 'vitest';
import type { Io } from '../src/io.js';
import { main } from '../src/main.js';

interface Row {
  what: string;
  /** The PipelineRun's spec below `spec:` (indented by 2). */
  spec: string;
  /** Whether check reports an error (and so run must refuse). */
  error: boolean;
}

const step = '{name: s, image: docker.io/library/alpine:3.20, script: "#!/bin/sh\\ntrue"}';
const taskSpec = `{results: [{name: out}], steps: [{name: s, image: docker.io/library/alpine:3.20, script: "#!/bin/sh\\nprintf x > $(results.out.path)"}]}`;
const tasks = (...ts: string[]) => `  pipelineSpec:\n    params: [{name: list, type: array, default: [a]}, {name: word, default: w}]\n    tasks:\n${ts.map((t) => `      - ${t}\n`).join('')}`;
const plain = (name: string, extra = '') => `{name: ${name}, taskSpec: ${taskSpec}${extra}}`;
const matrix = (n: number) => `{name: m, when: [{input: a, operator: in, values: [b]}], matrix: {params: [{name: x, value: [${Array.from({ length: n }, (_, i) => `v${i}`).join(', ')}]}, {name: y, value: [${Array.from({ length: 16 }, (_, i) => `w${i}`).join(', ')}]}]}, taskSpec: {params: [{name: x}, {name: y}], steps: [${step}]}}`;

const TABLE: Row[] = [
  // durations (Go's time.ParseDuration)
  { what: 'timeout 1h30m', spec: `  timeouts: {pipeline: 1h30m}\n${tasks(plain('a'))}`, error: false },
  { what: 'timeout .5h', spec: `  timeouts: {pipeline: .5h}\n${tasks(plain('a'))}`, error: false },
  { what: 'timeout in μs', spec: `  timeouts: {pipeline: 600000000μs}\n${tasks(plain('a'))}`, error: false },
  { what: 'timeout "10m " (trailing space)', spec: `  timeouts: {pipeline: "10m "}\n${tasks(plain('a'))}`, error: true },
  { what: 'timeout without a unit', spec: `  timeouts: {pipeline: "10"}\n${tasks(plain('a'))}`, error: true },
  { what: 'timeout in days', spec: `  timeouts: {pipeline: 1d}\n${tasks(plain('a'))}`, error: true },
  // param values against types
  { what: 'array param given an array', spec: `  params: [{name: list, value: [x, y]}]\n${tasks(plain('a'))}`, error: false },
  { what: 'array param given a string', spec: `  params: [{name: list, value: x}]\n${tasks(plain('a'))}`, error: true },
  { what: 'string param given an array', spec: `  params: [{name: word, value: [x]}]\n${tasks(plain('a'))}`, error: true },
  // the DAG
  { what: 'a chain through runAfter and a result', spec: tasks(plain('a'), plain('b', ', runAfter: [a]'), `{name: c, params: [{name: p, value: $(tasks.b.results.out)}], taskSpec: {params: [{name: p}], steps: [${step}]}}`), error: false },
  { what: 'a cycle', spec: tasks(plain('a', ', runAfter: [b]'), plain('b', ', runAfter: [a]')), error: true },
  { what: 'a task depending on itself', spec: tasks(plain('a', ', runAfter: [a]')), error: true },
  { what: 'runAfter a missing task', spec: tasks(plain('a', ', runAfter: [nope]')), error: true },
  // the matrix limit (256); the task is skipped by its when, the limit applies before
  { what: 'a matrix of 16×16 = 256', spec: tasks(matrix(16)), error: false },
  { what: 'a matrix of 17×16 = 272', spec: tasks(matrix(17)), error: true },
  // when: in/notin and CEL
  { what: 'when in', spec: tasks(plain('a', ', when: [{input: $(params.word), operator: in, values: [w]}]')), error: false },
  { what: 'when with an unknown operator', spec: tasks(plain('a', ', when: [{input: a, operator: is, values: [a]}]')), error: true },
  { what: 'valid CEL', spec: tasks(plain('a', `, when: [{cel: "'$(params.word)' == 'w'"}]`)), error: false },
  { what: 'CEL that does not compile', spec: tasks(plain('a', `, when: [{cel: "'w' =="}]`)), error: true },
  // references
  { what: 'a reference to an undeclared param', spec: tasks(`{name: a, params: [{name: p, value: $(params.nope)}], taskSpec: {params: [{name: p}], steps: [${step}]}}`), error: true },
  { what: 'a reference to an undeclared result', spec: tasks(plain('a'), `{name: b, params: [{name: p, value: $(tasks.a.results.nope)}], taskSpec: {params: [{name: p}], steps: [${step}]}}`), error: true },
];

function repo(spec: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-agreement-'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'run.yaml'), `apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: agree\nspec:\n${spec}`);
  return dir;
}

async function cli(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd, env: { ...process.env, CI: 'true' }, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, signal: new AbortController().signal };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('check and run agree', () => {
  it.each(TABLE)('$what', async ({ spec, error }) => {
    const dir = repo(spec);
    const check = await cli(dir, 'check', '--format', 'json', '--no-cache');
    const errors = (JSON.parse(check.stdout) as { severity: string; code: string }[]).filter((f) => f.severity === 'error').map((f) => f.code);
    expect(errors.length > 0, `check: ${errors.join(', ')}`).toBe(error);

    const run = await cli(dir, 'run', '-f', 'run.yaml', '--no-sandbox', '--format', 'json');
    expect(run.code, run.stderr).toBe(error ? 1 : 0);

    // The engines alone, without the check that plumbing run puts before them.
    const plan = await loadRunsFromFiles({ root: dir, cwd: dir, files: ['run.yaml'], taken: () => false });
    const [outcome] = await executeRuns(plan, { executeTaskRun, executePipelineRun }, { signal: new AbortController().signal, sandbox: false });
    const succeeded = outcome?.status.conditions?.find((c) => c.type === 'Succeeded');
    expect(succeeded?.status, `${succeeded?.reason}: ${succeeded?.message}`).toBe(error ? 'False' : 'True');
  });
});
