import { isKnownGroup, isKnownKind, removedVersion, versionsOfKind } from '../../types/kinds.js';
import type { DocRule, RepoRule } from '../../check/rule.js';
import { applyUnitsOf, collisionKeys } from '../../yaml/apply-units.js';
import { isMap } from '../../yaml/values.js';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** apiVersion/kind present and known. */
export const kindVersionRule: DocRule = {
  id: 'unknown-kind-version',
  check({ value, report }) {
    const { apiVersion, kind } = value;
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      report('UNKNOWN_KIND_VERSION', ['apiVersion'], apiVersion === undefined ? 'missing apiVersion' : 'apiVersion must be a string', { key: true });
      return;
    }
    if (typeof kind !== 'string' || kind === '') {
      report('UNKNOWN_KIND_VERSION', ['kind'], kind === undefined ? 'missing kind' : 'kind must be a string', { key: true });
      return;
    }
    const removed = removedVersion(apiVersion, kind);
    if (removed) {
      report('UNKNOWN_KIND_VERSION', ['apiVersion'], `${apiVersion} ${kind} was removed in Kubernetes ${removed.removedIn}`, { hint: `use ${removed.use}` });
    } else if (!isKnownGroup(apiVersion)) {
      report('UNKNOWN_CUSTOM_RESOURCE', ['kind'], `${kind} in ${apiVersion} is a custom resource without a schema here: only its metadata is checked`);
    } else if (!isKnownKind(apiVersion, kind)) {
      const known = versionsOfKind(kind);
      report('UNKNOWN_KIND_VERSION', known.length > 0 ? ['apiVersion'] : ['kind'], `unknown kind ${kind} in ${apiVersion}`, {
        hint: known.length > 0 ? `${kind} exists in: ${known.join(', ')}` : 'check the spelling of kind (it is case-sensitive)',
      });
    }
    if (value.metadata !== undefined && !isMap(value.metadata)) {
      report('YAML_SYNTAX', ['metadata'], 'metadata must be a map');
    }
  },
};

/** metadata.name is a DNS-1123 subdomain (≤63 for Tekton names, ≤60 for EventListeners). */
export const resourceNameRule: DocRule = {
  id: 'invalid-resource-name',
  check({ value, doc, report }) {
    const meta = value.metadata;
    if (!isMap(meta)) {
      if (doc.kind && doc.apiVersion) report('INVALID_RESOURCE_NAME', ['metadata'], 'missing metadata.name (or metadata.generateName)', { key: true });
      return;
    }
    const name = meta.name;
    const gen = meta.generateName;
    // apimachinery ValidateObjectMeta: a generateName is a name prefix (a trailing '-' is allowed)
    if (typeof gen === 'string' && gen !== '' && (gen.length > 253 || !DNS1123_SUBDOMAIN.test(gen.replace(/-$/, 'a')))) {
      report('INVALID_RESOURCE_NAME', ['metadata', 'generateName'], `invalid metadata.generateName "${gen}": a name prefix must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.')`);
    }
    if (name === undefined) {
      if (typeof gen !== 'string') report('INVALID_RESOURCE_NAME', ['metadata'], 'missing metadata.name (or metadata.generateName)', { key: true });
      return;
    }
    if (typeof name !== 'string') {
      report('INVALID_RESOURCE_NAME', ['metadata', 'name'], 'metadata.name must be a string');
      return;
    }
    const max = doc.kind === 'EventListener' ? 60 : 63;
    if (!DNS1123_SUBDOMAIN.test(name)) {
      report('INVALID_RESOURCE_NAME', ['metadata', 'name'], `invalid resource name "${name}": must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.')`);
    } else if (name.length > max) {
      report('INVALID_RESOURCE_NAME', ['metadata', 'name'], `invalid resource name "${name}": must be no more than ${max} characters`);
    }
  },
};

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Why `key` is not a qualified name (`[prefix/]name`), as apimachinery's IsQualifiedName says, or undefined. */
function qualifiedNameError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/'";
  const name = parts[parts.length - 1]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return 'prefix part must be non-empty';
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return 'prefix part must be a DNS-1123 subdomain (lower case letters, digits, \'-\' and \'.\', at most 253 characters)';
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

/**
 * metadata.labels and metadata.annotations as the API server validates them on every kind
 * (apimachinery's ValidateObjectMeta): keys are qualified names, label values are at most 63
 * characters of a restricted set, and values are strings (a bare `true` or `1` fails to decode).
 */
export const metadataRule: DocRule = {
  id: 'invalid-metadata',
  check({ value, report }) {
    const meta = value.metadata;
    if (!isMap(meta)) return;
    for (const field of ['labels', 'annotations'] as const) {
      const map = meta[field];
      if (!isMap(map)) continue;
      for (const [key, v] of Object.entries(map)) {
        const keyError = qualifiedNameError(field === 'annotations' ? key.toLowerCase() : key);
        if (keyError) report('INVALID_METADATA', ['metadata', field, key], `metadata.${field}: Invalid value: "${key}": ${keyError}`, { key: true });
        if (v !== null && typeof v !== 'string') {
          report('INVALID_METADATA', ['metadata', field, key], `metadata.${field}.${key} must be a string, not ${typeof v}`, { hint: `quote it: "${String(v)}"` });
        } else if (field === 'labels' && typeof v === 'string') {
          if (v.length > 63) report('INVALID_METADATA', ['metadata', field, key], `metadata.labels: Invalid value: "${v}": must be no more than 63 characters`);
          else if (!LABEL_VALUE.test(v)) report('INVALID_METADATA', ['metadata', field, key], `metadata.labels: Invalid value: "${v}": ${LABEL_VALUE_RULE}`);
        }
      }
    }
  },
};

/** resourceVersion / uid / creationTimestamp / status copied from a cluster. */
export const committedResourceVersionRule: DocRule = {
  id: 'committed-resource-version',
  check({ value, report }) {
    const meta = value.metadata;
    if (isMap(meta)) {
      for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation'] as const) {
        if (meta[k] !== undefined && meta[k] !== null) {
          report('COMMITTED_RESOURCE_VERSION', ['metadata', k], `metadata.${k} is server-set state copied from a cluster`, { key: true, hint: `remove metadata.${k}` });
        }
      }
    }
    if (value.status !== undefined && value.status !== null && value.kind !== 'PipelineRun' && value.kind !== 'TaskRun') {
      report('COMMITTED_RESOURCE_VERSION', ['status'], 'status is server-set state copied from a cluster', { key: true, hint: 'remove status' });
    } else if (isMap(value.status) && Object.keys(value.status).some((k) => k !== 'status')) {
      report('COMMITTED_RESOURCE_VERSION', ['status'], 'status is server-set state copied from a cluster', { key: true, hint: 'remove status' });
    }
  },
};

export const deprecatedResourceRule: DocRule = {
  id: 'deprecated-resource',
  check({ value, report }) {
    const labels = isMap(value.metadata) ? value.metadata.labels : undefined;
    if (isMap(labels) && (labels['tekton.dev/deprecated'] === 'true' || labels['tekton.dev/deprecated'] === true)) {
      report('DEPRECATED_RESOURCE', ['metadata', 'labels', 'tekton.dev/deprecated'], `${value.kind} is marked deprecated`, { key: true });
    }
  },
};

export const deprecatedApiRule: DocRule = {
  id: 'deprecated-api',
  check({ value, doc, report }) {
    const { apiVersion, kind } = doc;
    if (!apiVersion || !kind) return;
    if (kind === 'ClusterTask' || kind === 'PipelineResource' || kind === 'Condition') {
      report('DEPRECATED_API', ['kind'], `${kind} is deprecated and removed from tekton.dev/v1`, {
        hint: kind === 'Condition' ? 'use when expressions' : kind === 'ClusterTask' ? 'use a Task with a cluster resolver' : 'use workspaces and params',
      });
      return;
    }
    if ((apiVersion === 'tekton.dev/v1beta1' || apiVersion === 'tekton.dev/v1alpha1') && ['Task', 'Pipeline', 'TaskRun', 'PipelineRun', 'Run'].includes(kind)) {
      report('DEPRECATED_API', ['apiVersion'], `${apiVersion} ${kind} is deprecated`, { hint: kind === 'Run' ? 'use tekton.dev/v1beta1 CustomRun' : `use tekton.dev/v1 ${kind}` });
    }
    const spec = value.spec;
    if (isMap(spec) && isMap(spec.inputs) && spec.inputs.params !== undefined) {
      report('DEPRECATED_API', ['spec', 'inputs'], 'spec.inputs.params is the v1alpha1 form', { key: true, hint: 'declare spec.params' });
    }
  },
};

/**
 * The same kind/namespace/name twice within one apply unit (one file, one kustomization's
 * output, one Cluster source): what `kubectl apply` or kustomize would refuse or silently merge.
 */
export const duplicateResourceRule: RepoRule = {
  id: 'duplicate-resource',
  check({ index, reportAt }) {
    const units = applyUnitsOf(index.files);
    const seen = new Map<string, (typeof index.docs)[number]>();
    for (const doc of index.docs) {
      if (!doc.kind || !doc.name || units.kustomizeInputs.has(doc.file)) continue;
      for (const key of collisionKeys(doc, units)) {
        const first = seen.get(key);
        if (!first) {
          seen.set(key, doc);
          continue;
        }
        if (first === doc) continue;
        const line = first.ast.contents?.range ? first.source.lineCounter.linePos(first.ast.contents.range[0]).line : 1;
        reportAt(doc, 'DUPLICATE_RESOURCE', ['metadata', 'name'], `${doc.kind} "${doc.name}" is already defined at ${first.file}:${line}`);
        break;
      }
    }
  },
};
