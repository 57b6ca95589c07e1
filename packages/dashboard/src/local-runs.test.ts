// `plumbing run` records of the checkout in the runs list: a real `plumbing run` (the CLI, a
// child process) writes its record under .plumbing/runs/, then serve's dashboard lists it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningService } from '@plumbing/serve';
import { plumbing, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDashboard } from '../test/serve-dashboard.js';

const PIPELINE_RUN = `apiVersion: tekton.dev/v1
kind: PipelineRun
metadata:
  generateName: local-check-
spec:
  pipelineSpec:
    tasks:
      - name: greet
        taskSpec:
          steps:
            - name: hello
              image: docker.io/library/busybox:1.36
              script: |
                echo hello from a local run
      - name: verify
        runAfter: [greet]
        taskSpec:
          steps:
            - name: check
              image: docker.io/library/busybox:1.36
              script: |
                echo "check.go:7: want 1, got 2"
                exit 1
`;

describe('local plumbing run records in the runs list (real CLI run, real serve)', () => {
  let root: string;
  let svc: RunningService;
  let name: string;
  beforeAll(async () => {
    ({ root, svc } = await serveDashboard());
    writeFileSync(join(root, '.plumbing.yaml'), '{}\n');
    writeFileSync(join(root, 'run.yaml'), PIPELINE_RUN);
    const out = await plumbing(['-f', 'run.yaml', '--no-sandbox', '--images', 'host'], { cwd: root });
    expect(out.code).toBe(1);
    name = out.runs[0]!.name;
  });
  afterAll(async () => {
    await svc?.close(0);
    if (root) await removeTempDir(root);
  });

  it('lists the record as a failed local run with its tasks and step logs', async () => {
    const list = await (await fetch(`${svc.url}/?kind=local`)).text();
    expect([...list.matchAll(/<tr data-run="([^"]+)">.*?data-state="([^"]+)"/gs)].map((m) => [m[1], m[2]])).toEqual([[name, 'failed']]);
    const run = await (await fetch(`${svc.url}/runs/${name}`)).text();
    expect(run).toContain('data-task="verify"');
    expect(run).toMatch(/rect class="task-node state-failed"[^>]*data-task="verify"|data-task="verify"[^>]*class="task-node state-failed"/);
    const log = await (await fetch(`${svc.url}/runs/${name}/logs/verify/check`)).text();
    expect(log).toContain('check.go:7: want 1, got 2');
  });
});
