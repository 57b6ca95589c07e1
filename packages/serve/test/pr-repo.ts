// A repository served by `plumbing serve` whose pull-request pipeline works on a real git
// repository: `checkout` clones it and checks out the pull request's head commit; `test` reads
// the checkout, says whether the `ci-token` Secret is bound, fails while `<gates>/fail-<sha>`
// exists, and prints `plumbing check` findings from `<gates>/findings.json` in its
// `plumbing-check` step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeGitRepo } from '@plumbing/test-utils';
import { WEBHOOK_SECRET } from './helpers.js';

export const CI_TOKEN = 'ci-token-value-s3cr3t';

function write(root: string, rel: string, text: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/** The source repository the pull requests are about: two commits on main, returns their SHAs. */
export async function makeSourceRepo(dir: string): Promise<string[]> {
  return makeGitRepo(dir, [
    { message: 'first', files: { 'README.md': 'hello v1\n' } },
    { message: 'second', files: { 'README.md': 'hello v2\n' } },
  ]);
}

const LISTENER = (gates: string, source: string) => `apiVersion: triggers.tekton.dev/v1beta1
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
      bindings:
        - {name: revision, value: $(body.pull_request.head.sha)}
        - {name: repo-full-name, value: $(body.repository.full_name)}
        - {name: pull-request-number, value: $(body.pull_request.number)}
      template:
        spec:
          params:
            - name: revision
            - name: repo-full-name
            - name: pull-request-number
          resourcetemplates:
            - apiVersion: tekton.dev/v1
              kind: PipelineRun
              metadata:
                generateName: ci-
                annotations:
                  plumbing.dev/repository: $(tt.params.repo-full-name)
                labels:
                  plumbing.dev/pull-request: $(tt.params.pull-request-number)
              spec:
                pipelineRef: {name: ci}
                params:
                  - {name: revision, value: $(tt.params.revision)}
                  - {name: repo, value: ${source}}
                  - {name: gates, value: ${gates}}
                workspaces:
                  - name: source
                    volumeClaimTemplate:
                      spec:
                        accessModes: [ReadWriteOnce]
                        resources: {requests: {storage: 16Mi}}
                  - name: token
                    secret: {secretName: ci-token}
    - name: default-branch
      interceptors:
        - ref: {name: github, kind: ClusterInterceptor}
          params:
            - name: secretRef
              value: {secretName: github-webhook-secret, secretKey: token}
            - name: eventTypes
              value: [push]
        - ref: {name: cel, kind: ClusterInterceptor}
          params:
            - name: filter
              value: body.ref == 'refs/heads/' + body.repository.default_branch
      bindings:
        - {name: revision, value: $(body.after)}
        - {name: repo-full-name, value: $(body.repository.full_name)}
      template:
        spec:
          params:
            - name: revision
            - name: repo-full-name
          resourcetemplates:
            - apiVersion: tekton.dev/v1
              kind: PipelineRun
              metadata:
                generateName: ci-main-
                annotations:
                  plumbing.dev/repository: $(tt.params.repo-full-name)
              spec:
                pipelineRef: {name: ci}
                params:
                  - {name: revision, value: $(tt.params.revision)}
                  - {name: repo, value: ${source}}
                  - {name: gates, value: ${gates}}
                workspaces:
                  - name: source
                    volumeClaimTemplate:
                      spec:
                        accessModes: [ReadWriteOnce]
                        resources: {requests: {storage: 16Mi}}
                  - name: token
                    secret: {secretName: ci-token}
`;

const PIPELINE = `apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: ci
spec:
  params:
    - name: revision
    - name: repo
    - name: gates
  workspaces:
    - name: source
    - name: token
  tasks:
    - name: checkout
      params:
        - {name: repo, value: $(params.repo)}
        - {name: revision, value: $(params.revision)}
      workspaces:
        - {name: out, workspace: source}
      taskSpec:
        params:
          - name: repo
          - name: revision
        workspaces:
          - name: out
        steps:
          - name: clone
            image: alpine
            env:
              - {name: REPO, value: $(params.repo)}
              - {name: REVISION, value: $(params.revision)}
              - {name: OUT, value: $(workspaces.out.path)}
            script: |
              git clone -q "$REPO" "$OUT/src"
              git -C "$OUT/src" checkout -q "$REVISION"
              echo "checked out $(git -C "$OUT/src" rev-parse HEAD)"
    - name: test
      runAfter: [checkout]
      params:
        - {name: revision, value: $(params.revision)}
        - {name: gates, value: $(params.gates)}
      workspaces:
        - {name: src, workspace: source}
        - {name: token, workspace: token}
      taskSpec:
        params:
          - name: revision
          - name: gates
        workspaces:
          - name: src
          - name: token
        steps:
          - name: secrets
            image: alpine
            env:
              - {name: TOKEN_DIR, value: $(workspaces.token.path)}
            script: |
              if [ -e "$TOKEN_DIR/token" ]; then echo "token: bound"; echo "using $(cat "$TOKEN_DIR/token")"; else echo "token: none"; fi
          - name: plumbing-check
            image: alpine
            env:
              - {name: GATES, value: $(params.gates)}
            script: |
              if [ -e "$GATES/findings.json" ]; then cat "$GATES/findings.json"; else echo "[]"; fi
          - name: unit
            image: alpine
            env:
              - {name: SRC, value: $(workspaces.src.path)}
              - {name: GATES, value: $(params.gates)}
              - {name: REVISION, value: $(params.revision)}
              - {name: TOKEN_DIR, value: $(workspaces.token.path)}
            script: |
              cat "$SRC/src/README.md"
              if [ -e "$GATES/fail-$REVISION" ]; then echo "request with token $(cat "$TOKEN_DIR/token" 2>/dev/null)"; echo "unit tests failed"; exit 1; fi
              echo "unit tests passed"
`;

/**
 * The served repository: cluster "test" with `serve` settings, the listener and pipeline above,
 * the secrets directory (webhook secret, API token, the ci-token Secret the runs bind).
 */
export function makePrRepo(root: string, opts: { serve: string; source: string }): { secrets: string; gates: string } {
  const secrets = join(root, 'secrets');
  const gates = join(root, 'gates');
  mkdirSync(gates, { recursive: true });
  write(root, 'secrets/github-webhook-secret/token', `${WEBHOOK_SECRET}\n`);
  write(root, 'secrets/ci-token/token', CI_TOKEN);
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
${opts.serve}`);
  write(root, 'clusters/test/triggers/listener.yaml', LISTENER(gates, opts.source));
  write(root, 'pipelines/ci.yaml', PIPELINE);
  return { secrets, gates };
}
