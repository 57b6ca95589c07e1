// Test helpers: GitHub's own example payloads (@octokit/webhooks-examples), signed here; a
// repository with a cluster whose EventListener runs a small pipeline; waiting on service events.
import type { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';

const require = createRequire(import.meta.url);

interface ExampleGroup {
  name: string;
  examples: Record<string, unknown>[];
}

/** A deep copy of GitHub's example payload for `event` (with `action`, when given). */
export function example(event: string, action?: string): Record<string, unknown> {
  const all = require('@octokit/webhooks-examples/api.github.com/index.json') as ExampleGroup[];
  const group = all.find((g) => g.name === event);
  const ex = group?.examples.find((e) => action === undefined || e.action === action);
  if (!ex) throw new Error(`no example for ${event}${action ? `.${action}` : ''}`);
  return structuredClone(ex);
}

/** The headers GitHub sends with a delivery, signed with `secret`. */
/** GitHub's own `pull_request` `opened` example, as pull request `n` at commit `sha` with `title`. */
export function openedPullRequest(sha: string, n: number, title: string) {
  const p = example('pull_request', 'opened') as { number: number; pull_request: { head: { sha: string }; number: number; title: string } };
  p.number = n;
  p.pull_request.number = n;
  p.pull_request.head.sha = sha;
  p.pull_request.title = title;
  return p;
}

export async function githubHeaders(secret: string, event: string, body: string, delivery: string): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(secret, body),
    'user-agent': 'GitHub-Hookshot/test',
  };
}

export async function deliver(url: string, listener: string, secret: string, event: string, payload: unknown, delivery: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${url}/hooks/${listener}`, { method: 'POST', headers: await githubHeaders(secret, event, body, delivery), body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

export const WEBHOOK_SECRET = 'it-is-a-secret';
export const API_TOKEN = 'api-token-for-tests';

/**
 * A repository with cluster "test": EventListener "github" (github + cel interceptors, a
 * TriggerBinding by ref, a TriggerTemplate by ref), Pipeline "ci" whose step waits for the
 * file `<gates>/<sha>` when the PR's title contains "[hold]" (its shell's pid in `<gates>/<sha>.pid`
 * while it waits), and the secrets directory.
 */
export function makeServeRepo(root: string, opts: { serve?: string } = {}): { secrets: string; gates: string } {
  const secrets = join(root, 'secrets');
  const gates = join(root, 'gates');
  mkdirSync(gates, { recursive: true });
  write(root, 'secrets/github-webhook-secret/token', `${WEBHOOK_SECRET}\n`);
  write(root, 'secrets/serve-api/token', API_TOKEN);
  write(root, 'clusters/test/cluster.yaml', `apiVersion: plumbing.dev/v1alpha1
kind: Cluster
metadata:
  name: test
spec:
  context: test
  sources:
    - path: clusters/test
      namespace: tekton-ci
${opts.serve ?? `  serve:
    apiTokenSecret: {secretName: serve-api, secretKey: token}
`}`);
  write(root, 'clusters/test/triggers/listener.yaml', `apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata:
  name: github
  namespace: tekton-ci
spec:
  serviceAccountName: sa
  triggers:
    - name: pull-request-ci
      interceptors:
        - ref: {name: github, kind: ClusterInterceptor}
          params:
            - name: secretRef
              value: {secretName: github-webhook-secret, secretKey: token}
            - name: eventTypes
              value: [pull_request]
        - ref: {name: cel, kind: ClusterInterceptor}
          params:
            - name: filter
              value: body.action in ['opened', 'synchronize', 'reopened']
            - name: overlays
              value:
                - key: short_sha
                  expression: body.pull_request.head.sha.truncate(7)
                - key: hold
                  expression: "body.pull_request.title.contains('[hold]') ? 'yes' : 'no'"
      bindings:
        - ref: pr
      template:
        ref: ci
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata:
  name: pr
  namespace: tekton-ci
spec:
  params:
    - name: repo-full-name
      value: $(body.repository.full_name)
    - name: revision
      value: $(body.pull_request.head.sha)
    - name: short
      value: $(extensions.short_sha)
    - name: hold
      value: $(extensions.hold)
    - name: pull-request-number
      value: $(body.pull_request.number)
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata:
  name: ci
  namespace: tekton-ci
spec:
  params:
    - name: repo-full-name
    - name: revision
    - name: short
    - name: hold
    - name: pull-request-number
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: ci-
        namespace: tekton-ci
        labels:
          plumbing.dev/pull-request: $(tt.params.pull-request-number)
        annotations:
          plumbing.dev/repository: $(tt.params.repo-full-name)
      spec:
        pipelineRef:
          name: ci
        params:
          - name: short
            value: $(tt.params.short)
          - name: hold
            value: $(tt.params.hold)
          - name: gate
            value: ${gates}/$(tt.params.revision)
`);
  write(root, 'pipelines/ci.yaml', `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  params:
    - name: short
    - name: hold
    - name: gate
  tasks:
    - name: test
      params:
        - name: short
          value: $(params.short)
        - name: hold
          value: $(params.hold)
        - name: gate
          value: $(params.gate)
      taskSpec:
        params:
          - name: short
          - name: hold
          - name: gate
        steps:
          - name: say
            image: alpine
            env:
              - name: SHORT
                value: $(params.short)
              - name: HOLD
                value: $(params.hold)
              - name: GATE
                value: $(params.gate)
            script: |
              echo "testing $SHORT"
              if [ "$HOLD" = yes ]; then
                echo $$ > "$GATE.pid"
                echo "holding until $GATE exists"
                while [ ! -e "$GATE" ]; do sleep 0.05; done
              fi
              echo done
`);
  return { secrets, gates };
}

/** Resolves with the first event `name` whose payload satisfies `pred` (no timeout: vitest's applies). */
export function waitForEvent<T>(em: EventEmitter, name: string, pred: (v: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (v: T) => {
      if (pred(v)) {
        em.off(name, on);
        resolve(v);
      }
    };
    em.on(name, on);
  });
}

/** GitHub's issue_comment example, made a comment by `user` on pull request `number` of `ghUrl`'s `repository`. */
export function commentPayload(ghUrl: string, repository: string, number: number, user: string, body: string, id: number): Record<string, unknown> {
  const c = example('issue_comment', 'created') as { issue: Record<string, unknown>; comment: { user: { login: string }; body: string; id: number } };
  c.issue.number = number;
  c.issue.state = 'open';
  c.issue.pull_request = { url: `${ghUrl}/repos/${repository}/pulls/${number}`, html_url: `https://github.com/${repository}/pull/${number}` };
  c.comment.user.login = user;
  c.comment.body = body;
  c.comment.id = id;
  return c;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}
