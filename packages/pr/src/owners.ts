// OWNERS files (Prow's format): `approvers` and `reviewers`, per-path `filters`, and aliases from
// OWNERS_ALIASES. Only the root OWNERS of the default branch counts for trust, so that a pull
// request cannot add its author to the file that trusts it.

import { parse } from 'yaml';

export interface Owners {
  approvers: string[];
  reviewers: string[];
}

export interface OwnersProblem {
  file: string;
  message: string;
}

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseYaml(text: string, file: string, problems: OwnersProblem[]): unknown {
  try {
    return parse(text);
  } catch (e) {
    problems.push({ file, message: `is not valid YAML: ${(e as Error).message.split('\n')[0]}` });
    return undefined;
  }
}

function logins(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.trim().toLowerCase()) : [];
}

/** OWNERS_ALIASES: `aliases: { name: [login, …] }`. */
export function parseOwnersAliases(text: string | undefined, problems: OwnersProblem[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (text === undefined) return out;
  const doc = parseYaml(text, 'OWNERS_ALIASES', problems);
  const aliases = isObject(doc) ? doc['aliases'] : undefined;
  if (doc !== undefined && doc !== null && !isObject(aliases)) problems.push({ file: 'OWNERS_ALIASES', message: 'has no `aliases` mapping' });
  if (isObject(aliases)) for (const [name, v] of Object.entries(aliases)) out.set(name.toLowerCase(), logins(v));
  return out;
}

const expand = (names: string[], aliases: Map<string, string[]>) => [...new Set(names.flatMap((n) => aliases.get(n) ?? [n]))].sort();

/**
 * The people of an OWNERS file: top-level approvers and reviewers plus those of every filter
 * (logins lower-cased, aliases expanded). A file that does not parse trusts nobody.
 */
export function parseOwners(text: string | undefined, aliasesText?: string, problems: OwnersProblem[] = []): Owners {
  const aliases = parseOwnersAliases(aliasesText, problems);
  if (text === undefined) return { approvers: [], reviewers: [] };
  const doc = parseYaml(text, 'OWNERS', problems);
  if (doc === undefined || doc === null) return { approvers: [], reviewers: [] };
  if (!isObject(doc)) {
    problems.push({ file: 'OWNERS', message: 'must be a mapping with approvers and reviewers' });
    return { approvers: [], reviewers: [] };
  }
  const sections: Raw[] = [doc, ...(isObject(doc['filters']) ? Object.values(doc['filters']).filter(isObject) : [])];
  return {
    approvers: expand(sections.flatMap((s) => logins(s['approvers'])), aliases),
    reviewers: expand(sections.flatMap((s) => logins(s['reviewers'])), aliases),
  };
}
