/** Sidecar readiness with real processes: the steps start only once the sidecar's exec probes succeed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskSpec } from '@plumbing/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, TaskRunRequest } from '../contracts.js';
import { executeTaskRun } from '../taskrun/task-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbing-sidecars-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sidecar exec probes', () => {
  it('runs the startupProbe then the readinessProbe command before the first step', async () => {
    const spec: TaskSpec = {
      volumes: [{ name: 'shared', emptyDir: {} }],
      sidecars: [
        {
          name: 'side',
          image: 'alpine',
          command: ['sleep', '600'],
          startupProbe: { exec: { command: ['sh', '-c', 'echo started > /shared/order'] } },
          readinessProbe: { exec: { command: ['sh', '-c', 'test -s /shared/order && echo ready >> /shared/order'] } },
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        } as never,
      ],
      steps: [{ name: 'check', image: 'alpine', script: 'cat /shared/order', volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
    };
    const req: TaskRunRequest = { name: 'tr', namespace: 'default', uid: 'u', spec, params: [], workspaces: [], retryCount: 0, labels: {}, annotations: {}, logDir: join(dir, 'logs'), signal: new AbortController().signal };
    const events: RunEvent[] = [];
    const status = await executeTaskRun(req, { onEvent: (e) => events.push(e) });
    expect(status.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(events.flatMap((e) => (e.type === 'step-output' ? [e.text] : [])).join('')).toBe('started\nready\n');
  });
});
