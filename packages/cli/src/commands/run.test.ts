// End-to-end: the real binary (bin/plumbing.js over the built dist of model, executor and cli:
// run `npx tsc -p tsconfig.build.json` in each first) with the real engines.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/plumbing.js');

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumbing-run-e2e-'));
  mkdirSync(join(dir, '.git'));
  for (const [f, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), t);
  }
  return dir;
}

function plumbing(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: 'true' } }, (err, stdout, stderr) => {
      res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const task = `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: greet
spec:
  params:
    - name: who
      default: world
  workspaces:
    - name: out
      optional: true
  results:
    - name: greeting
  steps:
    - name: say
      image: docker.io/library/alpine:3.20
      env:
        - name: WHO
          value: $(params.who)
      script: |
        #!/bin/sh
        echo "hello $WHO"
        printf 'hello %s' "$WHO" > $(results.greeting.path)
        if [ "$(workspaces.out.bound)" = "true" ]; then echo "$WHO" > $(workspaces.out.path)/who.txt; fi
`;

const taskRun = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: greet-once
spec:
  taskRef:
    name: greet
  params:
    - name: who
      value: tekton
`;

describe('plumbing run (the real binary)', () => {
  it('prints help and exits 0', async () => {
    const r = await plumbing(repo({}), 'run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: plumbing run -f FILE');
    for (const cmd of ['runs', 'logs']) expect((await plumbing(repo({}), cmd, '--help')).stdout).toContain(`Usage: plumbing ${cmd}`);
  });

  it('exits 2 on a usage error, keeping stdout valid JSON with --format json', async () => {
    const r = await plumbing(repo({}), 'run', '--format', 'json', '--bogus');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect((await plumbing(repo({}), 'run', 'tusk', 'x')).code).toBe(2);
  });

  it('fails an invalid run with the finding text of plumbing check, runs nothing, exits 1', async () => {
    const dir = repo({ 'run.yaml': `${task}---\n${taskRun.replace('name: greet-once', 'name: Greet_Once')}` });
    const r = await plumbing(dir, 'run', '-f', 'run.yaml');
    const check = await plumbing(dir, 'check', 'run.yaml');
    expect(r.code).toBe(1);
    const finding = check.stdout.split('\n').find((l) => l.includes('INVALID_RESOURCE_NAME'));
    expect(finding).toMatch(/^run\.yaml:\d+:9 {2}error {2}INVALID_RESOURCE_NAME/);
    expect(r.stdout.split('\n')).toContain(finding);
    expect(existsSync(join(dir, '.plumbing', 'runs'))).toBe(false);
  });

  describe('with the engines', () => {
    it('runs a TaskRun and its Task from one file, with prefixed output, records, runs and logs', async () => {
      const dir = repo({ 'run.yaml': `${task}---\n${taskRun}` });
      const r = await plumbing(dir, 'run', '-f', 'run.yaml', '--no-sandbox');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('[greet-once/say] hello tekton');
      const status = JSON.parse(readFileSync(join(dir, '.plumbing', 'runs', 'greet-once', 'status.json'), 'utf8'));
      expect(status).toMatchObject({ conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded' }], results: [{ name: 'greeting', value: 'hello tekton' }] });
      expect(status.startTime).toEqual(expect.any(String));
      expect(status.completionTime).toEqual(expect.any(String));
      expect(readFileSync(join(dir, '.plumbing', 'runs', 'greet-once', 'greet-once', 'say.log'), 'utf8')).toContain('hello tekton');
      const runs = await plumbing(dir, 'runs', '--format', 'json');
      expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ name: 'greet-once', kind: 'TaskRun', succeeded: 'True', reason: 'Succeeded' })]);
      const logs = await plumbing(dir, 'logs', 'greet-once');
      expect(logs).toMatchObject({ code: 0, stdout: '[greet-once/say] hello tekton\n' });
    });

    it('applies generateName and skips other kinds with a note', async () => {
      const dir = repo({ 'run.yaml': `${task}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: bot\n---\n${taskRun.replace('name: greet-once', 'generateName: greet-')}` });
      const r = await plumbing(dir, 'run', '-f', 'run.yaml', '--no-sandbox', '--format', 'json');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/note: run\.yaml:\d+: skipping ServiceAccount\/bot/);
      const [one] = JSON.parse(r.stdout) as { name: string }[];
      expect(one?.name).toMatch(/^greet-[a-z]{5}$/);
    });

    it('builds a run from run task NAME -p -w', async () => {
      const dir = repo({ 'tasks/greet/0.1/greet.yaml': task });
      mkdirSync(join(dir, 'out'));
      const r = await plumbing(dir, 'run', 'task', 'greet', '-p', 'who=flags', '-w', 'out=out', '--no-sandbox', '--format', 'json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        { kind: 'TaskRun', name: expect.stringMatching(/^greet-run-[a-z]{5}$/), succeeded: 'True', reason: 'Succeeded', message: expect.any(String), results: [{ name: 'greeting', value: 'hello flags' }], taskRuns: [] },
      ]);
      expect(readFileSync(join(dir, 'out', 'who.txt'), 'utf8')).toBe('flags\n');
    });

    it('prints the --format json shape for a PipelineRun and exits 1 when a task fails', async () => {
      const pipeline = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: two
spec:
  tasks:
    - name: first
      taskRef: { name: greet }
    - name: second
      runAfter: [first]
      taskSpec:
        steps:
          - name: fail
            image: docker.io/library/alpine:3.20
            script: exit 4
---
apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: two-run
spec:
  pipelineRef: { name: two }
`;
      const dir = repo({ 'p.yaml': `${task}---\n${pipeline}` });
      const r = await plumbing(dir, 'run', '-f', 'p.yaml', '--no-sandbox', '--format', 'json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout)).toEqual([
        {
          kind: 'PipelineRun',
          name: 'two-run',
          succeeded: 'False',
          reason: 'Failed',
          message: expect.any(String),
          results: [],
          taskRuns: [
            { pipelineTaskName: 'first', name: 'two-run-first', succeeded: 'True', reason: 'Succeeded', results: [{ name: 'greeting', value: 'hello world' }] },
            { pipelineTaskName: 'second', name: 'two-run-second', succeeded: 'False', reason: 'StepFailed', results: [] },
          ],
        },
      ]);
      expect((await plumbing(dir, 'logs', 'two-run', '--task', 'first')).stdout).toBe('[first/say] hello world\n');
    });

    it('retries only the failed tasks of a recorded PipelineRun with --retry-failed, reusing what succeeded', async () => {
      const dir = repo({});
      const pipelineRun = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  name: flaky
spec:
  pipelineSpec:
    tasks:
      - name: first
        taskRef: { name: greet }
      - name: second
        params:
          - name: got
            value: $(tasks.first.results.greeting)
        taskSpec:
          params:
            - name: got
          steps:
            - name: check
              image: docker.io/library/alpine:3.20
              env:
                - name: GOT
                  value: $(params.got)
              script: |
                #!/bin/sh
                test -f ${join(dir, 'fixed')} || exit 4
                echo "second got $GOT"
    finally:
      - name: tidy
        taskSpec:
          steps:
            - name: say
              image: docker.io/library/alpine:3.20
              script: echo tidy
`;
      writeFileSync(join(dir, 'p.yaml'), `${task}---\n${pipelineRun}`);
      expect((await plumbing(dir, 'run', '-f', 'p.yaml', '--no-sandbox')).code).toBe(1);
      writeFileSync(join(dir, 'fixed'), '');
      const r = await plumbing(dir, 'run', '--retry-failed', 'flaky', '--no-sandbox', '--format', 'json');
      expect(r.stderr).toContain('retrying PipelineRun flaky as flaky-retry-');
      expect(r.stderr).toContain('running again second, tidy; reused from flaky: first');
      expect(r.code).toBe(0);
      const [retry] = JSON.parse(r.stdout) as { name: string; taskRuns: unknown[] }[];
      expect(retry).toMatchObject({ kind: 'PipelineRun', name: expect.stringMatching(/^flaky-retry-[a-z]{5}$/), succeeded: 'True' });
      expect(retry?.taskRuns).toEqual([
        { pipelineTaskName: 'first', name: 'flaky-first', succeeded: 'True', reason: 'Succeeded', results: [{ name: 'greeting', value: 'hello world' }], reusedFrom: 'flaky' },
        { pipelineTaskName: 'second', name: `${retry?.name}-second`, succeeded: 'True', reason: 'Succeeded', results: [] },
        { pipelineTaskName: 'tidy', name: `${retry?.name}-tidy`, succeeded: 'True', reason: 'Succeeded', results: [] },
      ]);
      expect((await plumbing(dir, 'logs', retry?.name ?? '')).stdout).toBe('[first/say] hello world\n[second/check] second got hello world\n[tidy/say] tidy\n');
      const again = await plumbing(dir, 'run', '--retry-failed', retry?.name ?? '', '--format', 'json');
      expect(again).toMatchObject({ code: 0, stdout: '[]\n', stderr: `plumbing run: PipelineRun ${retry?.name} succeeded: nothing to retry\n` });
      const unknown = await plumbing(dir, 'run', '--retry-failed', 'nope');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('no run named "nope" under .plumbing/runs');
      expect((await plumbing(dir, 'run', '--retry-failed', 'flaky', '-f', 'p.yaml')).code).toBe(2);
    });

    it('cancels on SIGINT: stops the steps, records every run as cancelled, exits 130', async () => {
      const pr = 'apiVersion: tekton.dev/v1\nkind: PipelineRun\nmetadata:\n  name: sleepy-pipe\nspec:\n  pipelineSpec:\n    tasks:\n      - name: doze\n        taskSpec:\n          steps:\n            - name: nap\n              image: docker.io/library/alpine:3.20\n              script: |\n                echo dozing\n                sleep 60\n';
      const tr = 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: sleepy\nspec:\n  taskSpec:\n    steps:\n      - name: nap\n        image: docker.io/library/alpine:3.20\n        script: |\n          echo napping\n          sleep 60\n';
      const dir = repo({ 'r.yaml': `${tr}---\n${pr}` });
      const child = spawn(process.execPath, [bin, 'run', '-f', 'r.yaml', '--no-sandbox'], { cwd: dir, env: { ...process.env, CI: 'true' } });
      let out = '';
      let sent = false;
      const code = await new Promise<number | null>((res) => {
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          // Once: a second Ctrl-C kills at once, by design.
          if (!sent && out.includes('[sleepy/nap] napping') && out.includes('[doze/nap] dozing')) {
            sent = true;
            child.kill('SIGINT');
          }
        });
        child.on('close', (c) => res(c));
      });
      expect(code).toBe(130);
      const status = (name: string) => JSON.parse(readFileSync(join(dir, '.plumbing', 'runs', name, 'status.json'), 'utf8'));
      expect(status('sleepy').conditions[0]).toMatchObject({ status: 'False', reason: 'TaskRunCancelled' });
      expect(status('sleepy-pipe').conditions[0]).toMatchObject({ status: 'False', reason: 'Cancelled' });
      const runs = await plumbing(dir, 'runs', '--format', 'json');
      expect(JSON.parse(runs.stdout).map((r: { name: string; reason: string }) => [r.name, r.reason]).sort()).toEqual([
        ['sleepy', 'TaskRunCancelled'],
        ['sleepy-pipe', 'Cancelled'],
      ]);
    });

    it('follows a run in progress with logs -f until it ends', async () => {
      const dir = repo({ 'r.yaml': 'apiVersion: tekton.dev/v1\nkind: TaskRun\nmetadata:\n  name: slow\nspec:\n  taskSpec:\n    steps:\n      - name: first\n        image: docker.io/library/alpine:3.20\n        script: |\n          echo one\n          sleep 2\n          echo two\n      - name: second\n        image: docker.io/library/alpine:3.20\n        script: echo three\n' });
      const running = plumbing(dir, 'run', '-f', 'r.yaml', '--no-sandbox');
      const statusFile = join(dir, '.plumbing', 'runs', 'slow', 'status.json');
      while (!existsSync(statusFile)) await new Promise((r) => setTimeout(r, 20));
      const followed = await plumbing(dir, 'logs', 'slow', '-f');
      expect(followed).toMatchObject({ code: 0, stdout: '[slow/first] one\n[slow/first] two\n[slow/second] three\n' });
      expect((await running).code).toBe(0);
    });
  });

  it("runs this project's own CLI image with the running plumbing, not whatever the host has", async () => {
    const own = `apiVersion: tekton.dev/v1
kind: TaskRun
metadata:
  name: own-image
spec:
  taskSpec:
    results:
      - name: where
      - name: version
    steps:
      - name: probe
        image: ghcr.io/plumbing-dev/plumbing:0.1.0
        script: |
          #!/bin/sh
          set -e
          printf '%s' "$(command -v plumbing)" > "$(results.where.path)"
          printf '%s' "$(plumbing --version)" > "$(results.version.path)"
`;
    const dir = repo({ 'run.yaml': own });
    for (const flags of [[], ['--no-sandbox']]) {
      const r = await plumbing(dir, 'run', '-f', 'run.yaml', '--format', 'json', ...flags);
      const [run] = JSON.parse(r.stdout) as { succeeded: string; results: { name: string; value: string }[] }[];
      expect(run?.succeeded).toBe('True');
      expect(run?.results.find((x) => x.name === 'version')?.value).toBe('plumbing 0.1.0');
      expect(run?.results.find((x) => x.name === 'where')?.value).toMatch(/\/plumbing-cli-[0-9a-f]{12}\/plumbing$/);
    }
  });
});

