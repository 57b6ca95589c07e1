import { describe, expect, it } from 'vitest';
import { checkFiles, only, yaml } from '../../test-helpers.js';

const W = (line: number, column: number) => [{ code: 'SERVICE_ACCOUNT_UNDEFINED', severity: 'warning', line, column }];
const sa = (name: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ci\n`;
const undefinedSa = (files: Record<string, string>) => only(checkFiles(files), 'SERVICE_ACCOUNT_UNDEFINED');

const listener = yaml`
  apiVersion: triggers.tekton.dev/v1beta1
  kind: EventListener
  metadata:
    name: el
    namespace: ci
  spec:
    serviceAccountName: el-sa
    labelSelector: {matchLabels: {a: b}}
`;
const run = yaml`
  apiVersion: tekton.dev/v1
  kind: PipelineRun
  metadata:
    generateName: ci-
  spec:
    pipelineRef: {name: ci}
    taskRunTemplate:
      serviceAccountName: runner
    taskRunSpecs:
      - pipelineTaskName: push
        serviceAccountName: pusher
`;
const cronjob = yaml`
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: gc
  spec:
    schedule: "0 * * * *"
    jobTemplate:
      spec:
        template:
          spec:
            serviceAccountName: gc
            restartPolicy: Never
            containers: [{name: c, image: alpine:3.20}]
`;

describe('service-account-undefined', () => {
  it('reports the ServiceAccount of an EventListener that the repository does not define', () => {
    expect(undefinedSa({ 'el.yaml': listener })).toEqual(W(7, 23));
  });
  it('accepts it when defined in another file', () => {
    expect(undefinedSa({ 'el.yaml': listener, 'sa.yaml': sa('el-sa') })).toEqual([]);
  });
  it('reports taskRunTemplate and taskRunSpecs accounts of a PipelineRun', () => {
    expect(undefinedSa({ 'run.yaml': run, 'sa.yaml': sa('runner') })).toEqual(W(11, 27));
    expect(undefinedSa({ 'run.yaml': run, 'sa.yaml': sa('runner') + '---\n' + sa('pusher') })).toEqual([]);
  });
  it('reports the account of a CronJob pod template', () => {
    expect(undefinedSa({ 'cron.yaml': cronjob })).toEqual(W(11, 31));
    expect(undefinedSa({ 'cron.yaml': cronjob, 'sa.yaml': sa('gc') })).toEqual([]);
  });
  it('reports the account of a Deployment, and skips default', () => {
    const dep = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      serviceAccountName: ${name}\n      containers: [{name: c, image: alpine:3.20}]\n`;
    expect(undefinedSa({ 'd.yaml': dep('web') })).toEqual(W(9, 27));
    expect(undefinedSa({ 'd.yaml': dep('default') })).toEqual([]);
  });
  it('reports a RoleBinding subject, and skips default and unmanaged namespaces', () => {
    const rb = (subject: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: b\n  namespace: ci\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects:\n  - ${subject}\n`;
    expect(undefinedSa({ 'rb.yaml': rb('{kind: ServiceAccount, name: deployer}') })).toEqual(W(8, 34));
    expect(undefinedSa({ 'rb.yaml': rb('{kind: ServiceAccount, name: default}') })).toEqual([]);
    expect(undefinedSa({ 'rb.yaml': rb('{kind: ServiceAccount, name: tekton-pipelines-controller, namespace: tekton-pipelines}') })).toEqual([]);
    expect(undefinedSa({ 'rb.yaml': rb('{kind: User, name: deployer}') })).toEqual([]);
  });
  it("reports a TriggerTemplate run's account but not a $(tt.params) one", () => {
    const tt = (account: string) => yaml`
      apiVersion: triggers.tekton.dev/v1beta1
      kind: TriggerTemplate
      metadata:
        name: tt
      spec:
        params: [{name: sa}]
        resourcetemplates:
          - apiVersion: tekton.dev/v1beta1
            kind: TaskRun
            metadata: {generateName: x-}
            spec:
              serviceAccountName: ${account}
              taskRef: {name: t}
    `;
    expect(undefinedSa({ 'tt.yaml': tt('builder') })).toEqual(W(12, 29));
    expect(undefinedSa({ 'tt.yaml': tt('$(tt.params.sa)') })).toEqual([]);
  });
});
