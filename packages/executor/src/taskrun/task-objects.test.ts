/**
 * The -f files' ConfigMaps, Secrets and ServiceAccounts seen by a TaskRun, with real step processes:
 * volumes, env valueFrom, envFrom, creds-init, and no Secret value in any event but the step's own output.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYaml, type TaskSpec } from '@plumbing/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, TaskRunRequest } from '../contracts.js';
import { executeTaskRun } from './task-run.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumbing-task-objects-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const OBJECTS = loadYaml(
  'objects.yaml',
  `apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {greeting: hello, other: x}
---
apiVersion: v1
kind: Secret
metadata: {name: pw}
data: {ninja: ${Buffer.from('s3cr3t-value').toString('base64')}}
---
apiVersion: v1
kind: Secret
type: kubernetes.io/ssh-auth
metadata: {name: key, annotations: {tekton.dev/git-0: example.com}}
stringData: {ssh-privatekey: PRIVATE, known_hosts: example.com ssh-ed25519 AAAA}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder}
secrets: [{name: key}]
`,
).docs;

function request(spec: TaskSpec, extra: Partial<TaskRunRequest> = {}): TaskRunRequest {
  return { name: 'tr', namespace: 'default', uid: 'u', spec, params: [], workspaces: [], retryCount: 0, labels: {}, annotations: {}, logDir: join(dir, 'logs'), signal: new AbortController().signal, objects: OBJECTS, ...extra };
}

async function run(req: TaskRunRequest, sandbox = false) {
  const events: RunEvent[] = [];
  const status = await executeTaskRun(req, { sandbox, onEvent: (e) => events.push(e) });
  const out = events.flatMap((e) => (e.type === 'step-output' ? [e.text] : [])).join('');
  return { status, out, events };
}

describe('a TaskRun with the -f files objects', () => {
  it('mounts configMap and secret volumes (items, params in the name) and the podTemplate volumes', async () => {
    const spec: TaskSpec = {
      params: [{ name: 'cm' }],
      volumes: [
        { name: 'c', configMap: { name: '$(params.cm)', items: [{ key: 'greeting', path: 'sub/g.txt' }] } },
        { name: 's', secret: { secretName: 'pw', defaultMode: 0o400 } },
      ],
      steps: [
        { name: 'a', image: 'alpine', script: 'cat /c/sub/g.txt; echo; test ! -e /c/other; test "$(cat /s/ninja)" = s3cr3t-value && echo same; stat -c %a /s/ninja; echo x > /t/f', volumeMounts: [{ name: 'c', mountPath: '/c' }, { name: 's', mountPath: '/s' }, { name: 't', mountPath: '/t' }] },
        { name: 'b', image: 'alpine', script: 'cat /t2/f', volumeMounts: [{ name: 't', mountPath: '/t2' }] },
      ],
    };
    const { status, out } = await run(request(spec, { params: [{ name: 'cm', value: 'cm' }], podVolumes: [{ name: 't', emptyDir: {} }] }), true);
    expect(status.conditions[0]).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(out.split('\n')).toEqual(['hello', 'same', '400', 'x', '']);
  });

  it('fails with CreateContainerConfigError when a volume names a Secret that no file defines', async () => {
    const spec: TaskSpec = { volumes: [{ name: 's', secret: { secretName: 'absent' } }], steps: [{ name: 'a', image: 'alpine', script: 'true', volumeMounts: [{ name: 's', mountPath: '/s' }] }] };
    const { status } = await run(request(spec));
    expect(status.conditions[0]).toMatchObject({ status: 'False', reason: 'CreateContainerConfigError', message: 'volume "s": Secret "absent" is not in the files given with -f' });
  });

  it('sets env from secretKeyRef, configMapKeyRef and envFrom (with prefix, env winning); a Secret value is masked in output and log', async () => {
    const spec: TaskSpec = {
      steps: [
        {
          name: 'a',
          image: 'alpine',
          script: 'echo "$P|$G|$C_greeting|$C_other|$N_ninja"; [ "$P" = s3cr3t-value ] && [ "$N_ninja" = s3cr3t-value ] && echo same',
          envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'C_' }, { secretRef: { name: 'pw' }, prefix: 'N_' }],
          env: [
            { name: 'P', valueFrom: { secretKeyRef: { name: 'pw', key: 'ninja' } } },
            { name: 'G', valueFrom: { configMapKeyRef: { name: 'cm', key: 'greeting' } } },
            { name: 'C_other', value: 'mine' },
            { name: 'M', valueFrom: { secretKeyRef: { name: 'pw', key: 'missing' } } },
          ],
        },
      ],
    };
    const logDir = join(dir, 'env-logs');
    const { status, out, events } = await run(request(spec, { logDir }));
    expect(status.conditions[0]).toMatchObject({ status: 'True' });
    expect(out).toBe('***|hello|hello|mine|***\nsame\n');
    expect(await readFile(join(logDir, 'a.log'), 'utf8')).toBe('***|hello|hello|mine|***\nsame\n');
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual(['TaskRun "tr": env M comes from key "missing" of Secret "pw", which is not in the files given with -f; it is left unset']);
  });

  it("puts the ServiceAccount's annotated ssh Secret in HOME and nothing else (creds-init)", async () => {
    const script = '[ "$(cat ~/.ssh/id_key)" = PRIVATE ] && test -f $(credentials.path)/.ssh/id_key && echo key; grep -c "Host example.com" ~/.ssh/config; test ! -e ~/.docker && test ! -e ~/.gitconfig && test ! -e ~/.git-credentials && echo only-ssh';
    const spec: TaskSpec = { steps: [{ name: 'a', image: 'alpine', script }] };
    for (const sandbox of [false, true]) {
      const { status, out } = await run(request(spec, { serviceAccountName: 'builder' }), sandbox);
      expect(status.conditions[0]).toMatchObject({ status: 'True' });
      expect(out).toBe('key\n1\nonly-ssh\n');
    }
    const none = await run(request({ steps: [{ name: 'a', image: 'alpine', script: 'test ! -e ~/.ssh && echo none' }] }));
    expect(none.out).toBe('none\n');
  });
});
