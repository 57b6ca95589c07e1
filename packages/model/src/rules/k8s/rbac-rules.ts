/**
 * RoleBinding / ClusterRoleBinding as the Kubernetes API server validates them
 * (pkg/apis/rbac/validation: roleRef apiGroup/kind/name, subject kind/name/apiGroup/namespace),
 * plus one repository check: a RoleBinding in `clusters/<c>/` whose Role is missing from a
 * cluster directory that manages its Roles.
 */
import type { DocRule, RepoRule } from '../../check/rule.js';
import { isMap } from '../../yaml/values.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'];

/** `clusters/<c>` for a file under a cluster directory, else undefined. */
export function clusterDir(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'clusters' && parts.length > 2 ? `clusters/${parts[1]}` : undefined;
}

export const rbacRule: DocRule = {
  id: 'rbac-invalid',
  kinds: ['RoleBinding', 'ClusterRoleBinding'],
  check({ value, doc, report }) {
    const code = 'RBAC_INVALID';
    const cluster = doc.kind === 'ClusterRoleBinding';
    const ref = value.roleRef;
    if (!isMap(ref)) {
      report(code, ['roleRef'], 'roleRef: Required value', { key: true, hint: `roleRef: {apiGroup: ${RBAC_GROUP}, kind: ${cluster ? 'ClusterRole' : 'Role'}, name: …}` });
    } else {
      if (ref.apiGroup !== RBAC_GROUP) {
        report(code, ref.apiGroup === undefined ? ['roleRef'] : ['roleRef', 'apiGroup'], `roleRef.apiGroup: Unsupported value: ${JSON.stringify(ref.apiGroup ?? '')}: supported values: "${RBAC_GROUP}"`, {
          key: ref.apiGroup === undefined,
        });
      }
      const kinds = cluster ? ['ClusterRole'] : ['Role', 'ClusterRole'];
      if (!kinds.includes(ref.kind as string)) {
        report(code, ref.kind === undefined ? ['roleRef'] : ['roleRef', 'kind'], `roleRef.kind: Unsupported value: ${JSON.stringify(ref.kind ?? '')}: supported values: ${kinds.map((k) => `"${k}"`).join(', ')}`, {
          key: ref.kind === undefined,
        });
      }
      if (typeof ref.name !== 'string' || ref.name === '') {
        report(code, ref.name === undefined ? ['roleRef'] : ['roleRef', 'name'], 'roleRef.name: Required value', { key: ref.name === undefined });
      }
    }
    const subjects = value.subjects;
    if (subjects === undefined || subjects === null) return;
    if (!Array.isArray(subjects)) {
      report(code, ['subjects'], 'subjects must be a list');
      return;
    }
    subjects.forEach((s, i) => {
      const p = ['subjects', i];
      if (!isMap(s)) {
        report(code, p, `subjects[${i}] must be a map with kind and name`);
        return;
      }
      if (!SUBJECT_KINDS.includes(s.kind as string)) {
        report(code, s.kind === undefined ? p : [...p, 'kind'], `subjects[${i}].kind: Unsupported value: ${JSON.stringify(s.kind ?? '')}: supported values: "ServiceAccount", "User", "Group"`);
        return;
      }
      if (typeof s.name !== 'string' || s.name === '') report(code, s.name === undefined ? p : [...p, 'name'], `subjects[${i}].name: Required value`);
      const group = s.apiGroup;
      if (s.kind === 'ServiceAccount') {
        if (group !== undefined && group !== null && group !== '') report(code, [...p, 'apiGroup'], `subjects[${i}].apiGroup: Unsupported value: ${JSON.stringify(group)}: supported values: ""`);
        if (cluster && (typeof s.namespace !== 'string' || s.namespace === '')) {
          report(code, p, `subjects[${i}].namespace: Required value`, { hint: 'a ServiceAccount subject of a ClusterRoleBinding needs its namespace' });
        }
      } else if (group !== undefined && group !== null && group !== '' && group !== RBAC_GROUP) {
        report(code, [...p, 'apiGroup'], `subjects[${i}].apiGroup: Unsupported value: ${JSON.stringify(group)}: supported values: "${RBAC_GROUP}"`);
      }
    });
  },
};

/**
 * A RoleBinding whose Role is missing, by our judgement (fewer false positives): only a `Role`
 * (ClusterRoles are often built in: view, edit, admin, or installed by operators), only for a
 * binding under `clusters/<c>/`, and only when that directory defines Roles itself (it manages
 * them). Namespaces are compared when both sides name one. Lookups are built once per check.
 */
export const rbacRoleRefRule: RepoRule = {
  id: 'rbac-role-ref',
  check({ index, reportAt }) {
    const byDir = new Map<string, Map<string, (string | undefined)[]>>();
    for (const r of index.ofKind('Role')) {
      const dir = clusterDir(r.file);
      if (!dir || !r.name) continue;
      const names = byDir.get(dir) ?? new Map<string, (string | undefined)[]>();
      byDir.set(dir, names);
      names.set(r.name, [...(names.get(r.name) ?? []), r.namespace]);
    }
    if (byDir.size === 0) return;
    for (const doc of index.ofKind('RoleBinding')) {
      const dir = clusterDir(doc.file);
      const roles = dir ? byDir.get(dir) : undefined;
      const ref = isMap(doc.value) ? doc.value.roleRef : undefined;
      if (!roles || !isMap(ref) || ref.kind !== 'Role' || typeof ref.name !== 'string' || ref.name === '' || ref.name.startsWith('system:')) continue;
      const ns = roles.get(ref.name);
      if (ns?.some((n) => !n || !doc.namespace || n === doc.namespace)) continue;
      reportAt(doc, 'RBAC_INVALID', ['roleRef', 'name'], `Role "${ref.name}" is not defined in ${dir}, which defines its Roles`, { hint: 'define the Role in this cluster directory, or fix the name' });
    }
  },
};

export const RBAC_RULES: readonly DocRule[] = [rbacRule];
export const RBAC_REPO_RULES: readonly RepoRule[] = [rbacRoleRefRule];
