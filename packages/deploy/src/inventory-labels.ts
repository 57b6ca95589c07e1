import { createHash } from 'node:crypto';

/** ApplySet (KEP-3659) label on every member: the id of the set it belongs to. */
export const PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
/** ApplySet label on the parent object. */
export const ID_LABEL = 'applyset.kubernetes.io/id';
export const TOOLING_ANNOTATION = 'applyset.kubernetes.io/tooling';
export const GROUP_KINDS_ANNOTATION = 'applyset.kubernetes.io/contains-group-kinds';
export const ADDITIONAL_NAMESPACES_ANNOTATION = 'applyset.kubernetes.io/additional-namespaces';
/** Per-object opt-out of pruning (as Flux's kustomize.toolkit.fluxcd.io/prune: disabled). */
export const PRUNE_ANNOTATION = 'plumbing.dev/prune';
export const TOOLING = 'plumbing/v1';

/** The parent Secret of a cluster's inventory, in the state namespace. */
export function parentName(cluster: string): string {
  return `plumbing-applyset-${cluster}`;
}

/**
 * The ApplySet id as KEP-3659 defines it for a parent object:
 * `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`, the parent being a core Secret.
 */
export function applysetId(cluster: string, stateNamespace: string): string {
  const digest = createHash('sha256').update(`${parentName(cluster)}.${stateNamespace}.Secret.`).digest('base64url');
  return `applyset-${digest}-v1`;
}
