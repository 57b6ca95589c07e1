import { describe, expect, it } from 'vitest';
import { checkFiles, checkYaml, only, yaml } from '../../test-helpers.js';

const E = (line: number, column: number) => [{ code: 'RBAC_INVALID', severity: 'error', line, column }];
const binding = (kind: string, rest: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n  namespace: ci\n${rest}`;
const ref = (kind = 'Role', group = 'rbac.authorization.k8s.io') => `roleRef:\n  apiGroup: ${group}\n  kind: ${kind}\n  name: runner\n`;
const rbac = (text: string) => only(checkYaml(text), 'RBAC_INVALID');

describe('rbac-invalid', () => {
  it('reports a roleRef kind that is not Role/ClusterRole', () => {
    expect(rbac(binding('RoleBinding', ref('ServiceAccount')))).toEqual(E(8, 9));
  });
  it('reports a Role in a ClusterRoleBinding', () => {
    expect(rbac(binding('ClusterRoleBinding', ref('Role')))).toEqual(E(8, 9));
  });
  it('reports a wrong roleRef apiGroup, and a missing one at roleRef', () => {
    expect(rbac(binding('RoleBinding', ref('Role', 'rbac.authorization.k8s.io/v1')))).toEqual(E(7, 13));
    expect(rbac(binding('RoleBinding', 'roleRef:\n  kind: Role\n  name: runner\n'))).toEqual(E(6, 1));
  });
  it('accepts a RoleBinding to a ClusterRole and a ClusterRoleBinding to a ClusterRole', () => {
    expect(rbac(binding('RoleBinding', ref('ClusterRole')))).toEqual([]);
    expect(rbac(binding('ClusterRoleBinding', ref('ClusterRole') + 'subjects:\n  - {kind: ServiceAccount, name: sa, namespace: ci}\n'))).toEqual([]);
  });
  it('reports a subject kind that is not ServiceAccount/User/Group', () => {
    expect(rbac(binding('RoleBinding', ref() + 'subjects:\n  - kind: Role\n    name: x\n'))).toEqual(E(11, 11));
  });
  it('reports a subject without name', () => {
    expect(rbac(binding('RoleBinding', ref() + 'subjects:\n  - kind: User\n'))).toEqual(E(11, 5));
  });
  it('reports a ServiceAccount subject with an apiGroup, and one without namespace in a ClusterRoleBinding', () => {
    expect(rbac(binding('RoleBinding', ref() + 'subjects:\n  - {kind: ServiceAccount, name: sa, apiGroup: rbac.authorization.k8s.io}\n'))).toEqual(E(11, 48));
    expect(rbac(binding('ClusterRoleBinding', ref('ClusterRole') + 'subjects:\n  - {kind: ServiceAccount, name: sa}\n'))).toEqual(E(11, 5));
  });
  it('accepts User and Group subjects with or without the rbac apiGroup', () => {
    const subjects = 'subjects:\n  - {kind: User, name: alice}\n  - {kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}\n  - {kind: ServiceAccount, name: sa}\n';
    expect(rbac(binding('RoleBinding', ref() + subjects))).toEqual([]);
  });
});

describe('rbac-invalid: a Role missing from a cluster directory', () => {
  const role = (name: string) => `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ci\nrules: []\n`;
  it('reports a RoleBinding to a Role that its cluster directory does not define, when it defines Roles', () => {
    const f = checkFiles({ 'clusters/prod/rbac.yaml': binding('RoleBinding', ref()), 'clusters/prod/roles.yaml': role('other') });
    expect(only(f, 'RBAC_INVALID')).toEqual(E(9, 9));
  });
  it('accepts it when the Role is there, when the directory defines no Roles, or outside clusters/', () => {
    expect(only(checkFiles({ 'clusters/prod/rbac.yaml': binding('RoleBinding', ref()), 'clusters/prod/roles.yaml': role('runner') }), 'RBAC_INVALID')).toEqual([]);
    expect(only(checkFiles({ 'clusters/prod/rbac.yaml': binding('RoleBinding', ref()) }), 'RBAC_INVALID')).toEqual([]);
    expect(only(checkFiles({ 'rbac.yaml': binding('RoleBinding', ref()), 'roles.yaml': role('other') }), 'RBAC_INVALID')).toEqual([]);
  });
  it('never reports a missing ClusterRole (view, edit and friends are built in)', () => {
    const f = checkFiles({ 'clusters/prod/rbac.yaml': binding('RoleBinding', ref('ClusterRole')), 'clusters/prod/roles.yaml': role('other').replace('kind: Role', 'kind: ClusterRole') });
    expect(only(f, 'RBAC_INVALID')).toEqual([]);
  });
  it('does not throw on odd shapes', () => {
    const f = checkYaml(yaml`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: b}
      roleRef: [1]
      subjects: {a: 1}
    `);
    expect(only(f, 'INTERNAL_ERROR')).toEqual([]);
    expect(only(f, 'RBAC_INVALID')).toHaveLength(2);
  });
});
