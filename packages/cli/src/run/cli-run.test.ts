import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliIo, EXIT_CANCELLED, type RunCliOptions, runCli } from './cli-run.js';
import { testExecutePipelineRun, testExecuteTaskRun } from '../../test/cli-test-engine.js';
import { type Engines, listRunRecords, printRunLogs, type RunEvent, readRunRecord, runDirOf } from '@plumbing/executor';

const engines: Engines = { executeTaskRun: testExecuteTaskRun, executePipelineRun: testExecutePipelineRun };

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-run-'));
  mkdirSync(join(dir, '.git'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

function io(cwd: string, signal = new AbortController().signal) {
  const out = { stdout: '', stderr: '' };
  const theIo: CliIo = { cwd, env: {}, stdout: (s) => (out.stdout += s), stderr: (s) => (out.stderr += s), isTTY: false, signal };
  return { io: theIo, out };
}

function opts(root: string, o: Partial<RunCliOptions>): RunCliOptions {
  return { root, files: [], params: [], workspaces: [], sandbox: false, format: 'text', parallel: 2, ...o };
}

const task = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: say
spec:
  params:
    - name: msg
      default: hello
  results:
    - name: said
  steps:
    - name: speak
      image: docker.io/library/alpine:3.20
      script: |
        echo "saying $(params.msg)"
        printf '%s' "$(params.msg)" > $(results.said.path)
`;

const taskRun = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: say-once
spec:
  taskRef:
    name: say
  params:
    - name: msg
      value: bonjour
`;

describe('runCli', () => {
  it('runs a TaskRun with its Task from the same file, prints prefixed output and records status and logs', async () => {
    const root = repo({ 'run.yaml': `${task}---\n${taskRun}` });
    const { io: theIo, out } = io(root);
    const code = await runCli(opts(root, { files: ['run.yaml'] }), theIo, engines);
    expect(code).toBe(0);
    expect(out.stdout).toContain('[say-once/speak] saying bonjour');
    expect(out.stdout).toContain('result said = bonjour');
    const rec = readRunRecord(runDirOf(root, 'say-once'));
    expect(rec.meta).toMatchObject({ kind: 'TaskRun', metadata: { name: 'say-once', namespace: 'default' } });
    expect(rec.status).toMatchObject({ conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], results: [{ name: 'said', value: 'bonjour' }] });
    expect(rec.status?.startTime).toEqual(expect.any(String));
    expect(rec.status?.completionTime).toEqual(expect.any(String));
    expect(readFileSync(join(runDirOf(root, 'say-once'), 'say-once', 'speak.log'), 'utf8')).toBe('saying bonjour\n');
    const again = io(root);
    expect(await runCli(opts(root, { files: ['run.yaml'] }), again.io, engines)).toBe(0);
    expect(again.out.stderr).toContain('note: replacing the previous record of TaskRun say-once');
    expect(listRunRecords(root).map((r) => r.name)).toEqual(['say-once']);
  });

  it('names a run with generateName plus five random lowercase letters', async () => {
    const root = repo({ 'run.yaml': `${task}---\n${taskRun.replace('name: say-once', 'generateName: say-')}` });
    const { io: theIo } = io(root);
    expect(await runCli(opts(root, { files: ['run.yaml'] }), theIo, engines)).toBe(0);
    const names = listRunRecords(root).map((r) => r.name);
    expect(names).toEqual([expect.stringMatching(/^say-[a-z]{5}$/)]);
  });

  it('skips other kinds with a note, and resolves the Task from the repository', async () => {
    const root = repo({ 'tasks/say/0.1/say.yaml': task, 'run.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n---\n${taskRun}` });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { files: ['run.yaml'] }), theIo, engines)).toBe(0);
    expect(out.stderr).toMatch(/note: run\.yaml:1: skipping ConfigMap\/cfg: not a TaskRun or PipelineRun/);
  });

  it('builds a TaskRun from run task NAME with -p and -w DIR', async () => {
    const t = task.replace("printf '%s' \"$(params.msg)\" > $(results.said.path)", "printf '%s' \"$(params.msg)\" > $(results.said.path)\n        echo \"$(params.msg)\" > $(workspaces.out.path)/msg.txt").replace('  steps:', '  workspaces:\n    - name: out\n  steps:');
    const root = repo({ 'tasks/say/0.1/say.yaml': t });
    mkdirSync(join(root, 'outdir'));
    const { io: theIo, out } = io(root);
    const code = await runCli(opts(root, { target: { what: 'task', name: 'say' }, params: ['msg=hey there'], workspaces: ['out=outdir'] }), theIo, engines);
    expect(code).toBe(0);
    expect(readFileSync(join(root, 'outdir', 'msg.txt'), 'utf8')).toBe('hey there\n');
    const [r] = listRunRecords(root);
    expect(r?.name).toMatch(/^say-run-[a-z]{5}$/);
    expect(readRunRecord(runDirOf(root, r!.name)).meta?.spec).toEqual({ taskRef: { name: 'say' }, params: [{ name: 'msg', value: 'hey there' }], workspaces: [{ name: 'out', emptyDir: {} }] });
    expect(out.stdout).toContain('saying hey there');
  });

  it('fails an invalid run with the finding plumbing check prints, before running anything', async () => {
    const root = repo({ 'run.yaml': `${task}---\n${taskRun.replace('name: say-once', 'name: Say_Once')}` });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { files: ['run.yaml'] }), theIo, engines)).toBe(1);
    expect(out.stdout).toMatch(/^run\.yaml:21:9 {2}error {2}INVALID_RESOURCE_NAME {2}invalid resource name "Say_Once"/m);
    expect(existsSync(join(root, '.plumbing', 'runs'))).toBe(false);
  });

  it('checks a run built from flags, and shows that run when a finding points into it', async () => {
    const root = repo({ 'tasks/say/0.1/say.yaml': task });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { target: { what: 'task', name: 'say' }, workspaces: ['bogus=emptyDir'] }), theIo, engines)).toBe(1);
    expect(out.stdout).toMatch(/^<command line>:\d+:\d+ {2}error {2}WORKSPACE_BINDING_INVALID {2}/m);
    expect(out.stderr).toContain('<command line> is the run built from the flags:');
    expect(existsSync(join(root, '.plumbing', 'runs'))).toBe(false);
  });

  it('prints one JSON array per top-level run with --format json, progress on stderr', async () => {
    const pipeline = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: chain
spec:
  results:
    - name: final
      value: $(tasks.second.results.said)
  tasks:
    - name: first
      taskRef: { name: say }
      params: [{ name: msg, value: one }]
    - name: second
      taskRef: { name: say }
      params: [{ name: msg, value: "$(tasks.first.results.said)-two" }]
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: chain-run
spec:
  pipelineRef: { name: chain }
`;
    const root = repo({ 'p.yaml': `${task}---\n${pipeline}` });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { files: ['p.yaml'], format: 'json' }), theIo, engines)).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      {
        kind: 'PipelineRun',
        name: 'chain-run',
        succeeded: 'True',
        reason: 'Succeeded',
        message: expect.any(String),
        results: [{ name: 'final', value: 'one-two' }],
        taskRuns: [
          { pipelineTaskName: 'first', name: 'chain-run-first', succeeded: 'True', reason: 'Succeeded', results: [{ name: 'said', value: 'one' }] },
          { pipelineTaskName: 'second', name: 'chain-run-second', succeeded: 'True', reason: 'Succeeded', results: [{ name: 'said', value: 'one-two' }] },
        ],
      },
    ]);
    expect(out.stderr).toContain('[first/speak] saying one');
    const logs: string[] = [];
    await printRunLogs(root, 'chain-run', { write: (s) => logs.push(s), task: 'second' });
    expect(logs.join('')).toBe('[second/speak] saying one-two\n');
  });

  it('records the PipelineRun condition while it runs, so plumbing runs shows Running then PipelineRunStopping', async () => {
    const pipeline = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: one
spec:
  tasks:
    - name: first
      taskRef: { name: say }
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: watched
spec:
  pipelineRef: { name: one }
`;
    const root = repo({ 'p.yaml': `${task}---\n${pipeline}` });
    const seen: string[] = [];
    const watching: Engines = {
      executeTaskRun: testExecuteTaskRun,
      executePipelineRun: async (req, o) => {
        const at = new Date().toISOString();
        const cond = (reason: string) => ({ type: 'Succeeded' as const, status: 'Unknown' as const, reason, message: `Tasks Completed: 0 (Failed: 0, Cancelled 0), Incomplete: 1, Skipped: 0`, lastTransitionTime: at });
        o.onEvent?.({ type: 'pipelinerun-condition', pipelineRun: req.name, condition: cond('Running'), at });
        seen.push(listRunRecords(root).map((r) => `${r.reason}:${r.inProgress}`).join());
        o.onEvent?.({ type: 'pipelinerun-condition', pipelineRun: `${req.name}-child`, condition: cond('Ignored'), at });
        o.onEvent?.({ type: 'pipelinerun-condition', pipelineRun: req.name, condition: cond('PipelineRunStopping'), at });
        seen.push(listRunRecords(root).map((r) => `${r.reason}:${r.inProgress}`).join());
        return testExecutePipelineRun(req, o);
      },
    };
    const { io: theIo } = io(root);
    expect(await runCli(opts(root, { files: ['p.yaml'] }), theIo, watching)).toBe(0);
    expect(seen).toEqual(['Running:true', 'PipelineRunStopping:true']);
    expect(listRunRecords(root)[0]).toMatchObject({ name: 'watched', reason: 'Succeeded', inProgress: false });
  });

  it('explains, before running, a file:// git URL that a sandboxed step cannot see', async () => {
    const url = 'file:///home/someone/project';
    const root = repo({ 'run.yaml': `${task}---\n${taskRun.replace('value: bonjour', `value: ${url}`)}` });
    const sandboxed = io(root);
    await runCli(opts(root, { files: ['run.yaml'], sandbox: true }), sandboxed.io, engines);
    const notes = sandboxed.out.stderr.split('\n').filter((l) => l.startsWith('note: TaskRun say-once spec.params.0.value is file://'));
    expect(notes).toHaveLength(1);
    const plain = io(root);
    await runCli(opts(root, { files: ['run.yaml'] }), plain.io, engines);
    expect(plain.out.stderr.split('\n').filter((l) => l.includes('file://'))).toEqual([]);
  });

  it('exits 1 when a step fails and records the reason', async () => {
    const root = repo({ 'r.yaml': taskRun.replace('taskRef:\n    name: say', 'taskSpec:\n    steps:\n      - name: boom\n        image: alpine\n        script: exit 3').replace(/ {2}params:\n.*\n.*\n/, '') });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { files: ['r.yaml'] }), theIo, engines)).toBe(1);
    expect(readRunRecord(runDirOf(root, 'say-once')).status?.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'StepFailed', message: '"step-boom" exited with code 3' })]);
    expect(out.stdout).toContain('StepFailed');
  });

  it('cancels on Ctrl-C: stops the running step, records TaskRunCancelled, exits 130', async () => {
    const root = repo({ 'r.yaml': taskRun.replace('taskRef:\n    name: say', 'taskSpec:\n    steps:\n      - name: wait\n        image: alpine\n        script: echo started; sleep 30').replace(/ {2}params:\n.*\n.*\n/, '') });
    const ac = new AbortController();
    const { io: theIo } = io(root, ac.signal);
    const watching: Engines = {
      ...engines,
      executeTaskRun: (req, o) =>
        testExecuteTaskRun(req, {
          ...o,
          onEvent: (e: RunEvent) => {
            o.onEvent?.(e);
            if (e.type === 'step-output') ac.abort();
          },
        }),
    };
    expect(await runCli(opts(root, { files: ['r.yaml'] }), theIo, watching)).toBe(EXIT_CANCELLED);
    const st = readRunRecord(runDirOf(root, 'say-once')).status;
    expect(st?.conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunCancelled' });
    expect(listRunRecords(root)[0]).toMatchObject({ name: 'say-once', succeeded: 'False', reason: 'TaskRunCancelled', inProgress: false });
  });

  it('materialises a configMap workspace from the files and a PVC under .plumbing/pvc', async () => {
    const run = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: salut
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: cm
spec:
  workspaces:
    - name: cfg
      configMap: { name: settings }
    - name: data
      persistentVolumeClaim: { claimName: cache }
  taskSpec:
    workspaces: [{ name: cfg }, { name: data }]
    steps:
      - name: read
        image: alpine
        script: cat $(workspaces.cfg.path)/greeting > $(workspaces.data.path)/copy
`;
    const root = repo({ 'r.yaml': run });
    const { io: theIo } = io(root);
    expect(await runCli(opts(root, { files: ['r.yaml'] }), theIo, engines)).toBe(0);
    expect(readFileSync(join(root, '.plumbing', 'pvc', 'cache', 'copy'), 'utf8')).toBe('salut');
  });

  it('writes a secret workspace for the run and removes it from the record afterwards', async () => {
    const run = `apiVersion: v1
kind: Secret
metadata:
  name: token
data:
  token: ${Buffer.from('s3cr3t').toString('base64')}
---
apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: sec
spec:
  workspaces:
    - name: creds
      secret: { secretName: token }
  taskSpec:
    workspaces: [{ name: creds }]
    results: [{ name: len }]
    steps:
      - name: read
        image: alpine
        script: wc -c < $(workspaces.creds.path)/token | tr -d ' \\n' > $(results.len.path)
`;
    const root = repo({ 'r.yaml': run });
    const { io: theIo, out } = io(root);
    expect(await runCli(opts(root, { files: ['r.yaml'] }), theIo, engines)).toBe(0);
    expect(readRunRecord(runDirOf(root, 'sec')).status).toMatchObject({ results: [{ name: 'len', value: '6' }] });
    expect(existsSync(join(runDirOf(root, 'sec'), 'workspaces', 'creds-secret'))).toBe(false);
    expect(out.stdout + out.stderr).not.toContain('s3cr3t');
  });

  it('fails a run whose configMap is not in the files, saying so', async () => {
    const run = 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: nocm\nspec:\n  workspaces:\n    - name: cfg\n      configMap: { name: absent }\n  taskSpec:\n    workspaces: [{ name: cfg }]\n    steps:\n      - name: s\n        image: alpine\n        script: "true"\n';
    const root = repo({ 'r.yaml': run });
    const { io: theIo } = io(root);
    expect(await runCli(opts(root, { files: ['r.yaml'] }), theIo, engines)).toBe(1);
    expect(readRunRecord(runDirOf(root, 'nocm')).status?.conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunValidationFailed', message: expect.stringContaining('ConfigMap "absent", which is not in the files') });
  });

  it('refuses -p with -f and a file without runs as usage errors', async () => {
    const root = repo({ 't.yaml': task });
    await expect(runCli(opts(root, { files: ['t.yaml'], params: ['a=b'] }), io(root).io, engines)).rejects.toMatchObject({ exitCode: 2 });
    await expect(runCli(opts(root, { files: ['t.yaml'] }), io(root).io, engines)).rejects.toMatchObject({ exitCode: 2 });
  });

  it('applies --timeout over the run own timeout, and --parallel bounds the TaskRuns at once', async () => {
    const slow = 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: slow\nspec:\n  timeout: 1h\n  taskSpec:\n    steps:\n      - name: wait\n        image: alpine\n        script: sleep 30\n';
    const root = repo({ 'r.yaml': slow });
    expect(await runCli(opts(root, { files: ['r.yaml'], timeoutMs: 100 }), io(root).io, engines)).toBe(1);
    expect(readRunRecord(runDirOf(root, 'slow')).status?.conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunTimeout' });

    const fan = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: fan
spec:
  pipelineSpec:
    tasks:
${['a', 'b', 'c'].map((n) => `      - name: ${n}\n        taskSpec:\n          steps:\n            - name: s\n              image: alpine\n              script: sleep 0.05\n`).join('')}`;
    const root2 = repo({ 'fan.yaml': fan });
    let active = 0;
    let most = 0;
    const counting: Engines = {
      ...engines,
      executeTaskRun: async (req, o) => {
        most = Math.max(most, ++active);
        try {
          return await testExecuteTaskRun(req, o);
        } finally {
          active--;
        }
      },
    };
    expect(await runCli(opts(root2, { files: ['fan.yaml'], parallel: 1 }), io(root2).io, counting)).toBe(0);
    expect(most).toBe(1);
  });
});
