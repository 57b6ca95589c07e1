// A checkout that plumbing serve runs pull-request CI for: one EventListener (GitHub
// interceptor with its webhook secret), a binding and a template making a PipelineRun of the
// `ci` pipeline, whose unit-tests task fails until a gate file exists. Also signs deliveries as
// GitHub does (X-Hub-Signature-256).
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const WEBHOOK_SECRET = 'dashboard-webhook-secret';

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** Writes the cluster, pipeline and secrets; returns the secrets dir and the gate file that makes unit-tests pass. */
export function makeCiCheckout(root: string, serve: string): { secrets: string; gate: string } {
  const gate = join(root, 'gate-unit-tests');
  write(root, '.git/HEAD', 'ref: refs/heads/main\n');
  write(root, 'secrets/github-webhook-secret/token', WEBHOOK_SECRET);
  write(root, 'clusters/test/cluster.yaml', `apiVersion: plumbing.dev/v1alpha1
kind: Cluster
metadata:
  name: test
spec:
  context: test
  sources:
    - path: clusters/test
      namespace: tekton-ci
  serve:
${serve}`);
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
    - name: pull-request-number
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata:
        generateName: ci-
        namespace: tekton-ci
        annotations:
          plumbing.dev/repository: $(tt.params.repo-full-name)
        labels:
          plumbing.dev/pull-request: $(tt.params.pull-request-number)
      spec:
        pipelineRef:
          name: ci
        params:
          - name: gate
            value: ${gate}
`);
  write(root, 'pipelines/ci.yaml', `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  params:
    - name: gate
  tasks:
    - name: fetch
      taskSpec:
        results:
          - name: commit
        steps:
          - name: clone
            image: alpine
            script: |
              echo "cloned"
              printf abc123 > $(results.commit.path)
    - name: build
      runAfter: [fetch]
      taskSpec:
        steps:
          - name: compile
            image: alpine
            script: |
              echo "compiling"
    - name: unit-tests
      runAfter: [build]
      params:
        - name: gate
          value: $(params.gate)
      taskSpec:
        params:
          - name: gate
        steps:
          - name: run
            image: alpine
            env:
              - name: GATE
                value: $(params.gate)
            script: |
              echo "=== RUN TestAdd"
              echo "ok widgets_test.go:12"
              if [ ! -f "$GATE" ]; then
                printf '\\033[31;1mFAIL\\033[0m widgets_test.go:42: expected 2, got 3\\n'
                exit 1
              fi
              echo "PASS"
    - name: lint
      params:
        - name: commit
          value: $(tasks.fetch.results.commit)
      taskSpec:
        params:
          - name: commit
        steps:
          - name: vet
            image: alpine
            env:
              - name: COMMIT
                value: $(params.commit)
            script: |
              echo "vet $COMMIT: clean"
  finally:
    - name: report
      taskSpec:
        steps:
          - name: post
            image: alpine
            script: |
              echo "reported"
`);
  return { secrets: join(root, 'secrets'), gate };
}

/** POSTs a pull_request delivery signed with the webhook secret. */
export async function deliverPullRequest(url: string, repo: string, number: number, sender: string, delivery: string): Promise<number> {
  const body = JSON.stringify({
    action: 'opened', number, sender: { login: sender },
    // as GitHub sends it: owner and name as well as full_name (serve's trust check asks GitHub about owner/name)
    repository: { full_name: repo, name: repo.split('/')[1], owner: { login: repo.split('/')[0] }, private: false },
    pull_request: { number, title: 'Add numbers', head: { sha: 'c'.repeat(40), ref: 'feature' }, base: { ref: 'main' }, user: { login: sender } },
  });
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex')}`;
  const res = await fetch(`${url}/hooks/github`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'x-hub-signature-256': signature } });
  return res.status;
}
