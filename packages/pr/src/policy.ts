// The pull-request policy a service is configured with: whom to trust, who may use each comment
// command, what `/build-image` may build. `parsePrPolicy` turns the config's plain object into a
// PrPolicy with defaults, collecting problems as data (never throwing).

/** `per-push`: a new push by an untrusted author needs `/ok-to-test` again (PaC's require-ok-to-test-sha). `once`: one `/ok-to-test` trusts the pull request (Prow's ok-to-test label). */
export type OkToTestPolicy = 'per-push' | 'once';

/**
 * Who may use a command. `write`: a collaborator with write, maintain or admin permission;
 * `member`: an org member; `approver`: an approver in OWNERS on the default branch; `trusted`:
 * anyone `decideTrust` trusts; `author`: the pull request's author, when the pull request's code
 * is trusted; `anyone`: everybody.
 */
export type Role = 'write' | 'member' | 'approver' | 'trusted' | 'author' | 'anyone';

export interface ImagePolicy {
  /** The directory holding one directory per image (a build context with a Dockerfile). */
  dir: string;
  /** Tags `/build-image` accepts (an anchored regular expression). */
  tagPattern: string;
  /** Image repository prefix: the image is `<registry>/<image dir name>:<tag>`. */
  registry: string;
  /** The pipeline a `/build-image` runs. */
  pipeline: string;
}

export interface PrPolicy {
  /** The organisation whose members are trusted. */
  org: string;
  /** A second trusted organisation (Prow's trusted_org). */
  trustedOrg?: string;
  /** Trust org members only, not collaborators (Prow's only_org_members). */
  onlyOrgMembers: boolean;
  /** Teams whose active members are trusted: a slug in `org`, or `other-org/slug` for a team of another organisation. */
  trustedTeams: string[];
  /** GitHub App logins (without `[bot]`) that are trusted. */
  trustedApps: string[];
  /** Trust OWNERS approvers and reviewers (root OWNERS on the default branch). */
  owners: boolean;
  okToTest: OkToTestPolicy;
  /** Draft pull requests: `skip` runs nothing until ready for review (Prow), `run` treats them as any other. */
  drafts: 'skip' | 'run';
  /** The service's own login: always trusted, and the author of its comments. */
  bot: string;
  /** Roles allowed per command name (without the slash); a command not listed uses `defaultRoles`. */
  commands: Record<string, Role[]>;
  defaultRoles: Role[];
  /** Commands of other bots (Prow plugins) that are ignored silently instead of answered as unknown. */
  ignoredCommands: string[];
  /** Commit-status context prefix: a job's context is `<statusContext>/<job>` (the name serve's config uses). */
  statusContext: string;
  images: ImagePolicy;
}

export interface PolicyProblem {
  path: string;
  message: string;
}

/** Prow's other plugins' commands, which another bot may answer. */
const OTHER_BOTS = [
  'approve', 'area', 'assign', 'cc', 'cherry-pick', 'close', 'honk', 'kind', 'label', 'lgtm', 'lifecycle',
  'meow', 'milestone', 'priority', 'release-note', 'remove-label', 'reopen', 'retitle', 'shrug', 'unassign',
  'uncc', 'unshrug', 'woof',
];

export function defaultPolicy(org: string): PrPolicy {
  return {
    org,
    onlyOrgMembers: false,
    trustedTeams: [],
    trustedApps: [],
    owners: true,
    okToTest: 'per-push',
    drafts: 'skip',
    bot: 'plumbing-bot',
    commands: {
      'ok-to-test': ['member', 'write', 'approver'],
      'build-image': ['member', 'write'],
    },
    defaultRoles: ['trusted', 'author'],
    ignoredCommands: OTHER_BOTS,
    statusContext: 'plumbing',
    images: { dir: 'images', tagPattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$', registry: `ghcr.io/${org.toLowerCase()}`, pipeline: 'image-build' },
  };
}

const ROLES: readonly Role[] = ['write', 'member', 'approver', 'trusted', 'author', 'anyone'];

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, path: string, problems: PolicyProblem[]): string[] | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  problems.push({ path, message: 'must be a list of strings' });
  return undefined;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string, problems: PolicyProblem[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  problems.push({ path, message: `must be one of ${allowed.join(', ')}` });
  return undefined;
}

function roles(v: unknown, path: string, problems: PolicyProblem[]): Role[] | undefined {
  const list = strings(v, path, problems);
  if (!list) return undefined;
  const bad = list.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) problems.push({ path, message: `unknown role ${bad.join(', ')} (roles: ${ROLES.join(', ')})` });
  return list.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
}

function str(v: unknown, path: string, problems: PolicyProblem[]): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v !== '') return v;
  problems.push({ path, message: 'must be a non-empty string' });
  return undefined;
}

function bool(v: unknown, path: string, problems: PolicyProblem[]): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  problems.push({ path, message: 'must be true or false' });
  return undefined;
}

function parseImages(raw: unknown, base: ImagePolicy, problems: PolicyProblem[]): ImagePolicy {
  if (raw === undefined) return base;
  if (!isObject(raw)) {
    problems.push({ path: 'images', message: 'must be a mapping' });
    return base;
  }
  const tagPattern = str(raw['tagPattern'], 'images.tagPattern', problems) ?? base.tagPattern;
  try {
    new RegExp(tagPattern);
  } catch (e) {
    problems.push({ path: 'images.tagPattern', message: `is not a regular expression: ${(e as Error).message}` });
  }
  return {
    dir: str(raw['dir'], 'images.dir', problems) ?? base.dir,
    tagPattern,
    registry: str(raw['registry'], 'images.registry', problems) ?? base.registry,
    pipeline: str(raw['pipeline'], 'images.pipeline', problems) ?? base.pipeline,
  };
}

function parseCommands(raw: unknown, base: Record<string, Role[]>, problems: PolicyProblem[]): Record<string, Role[]> {
  if (raw === undefined) return base;
  if (!isObject(raw)) {
    problems.push({ path: 'commands', message: 'must map command names to lists of roles' });
    return base;
  }
  const out = { ...base };
  for (const [name, v] of Object.entries(raw)) {
    const r = roles(v, `commands.${name}`, problems);
    if (r) out[name.replace(/^\//, '')] = r;
  }
  return out;
}

/**
 * The policy from a config mapping: `spec.serve` of the Cluster config (fields this package does
 * not know, such as `publicUrl`, are left to the service).
 */
export function parsePrPolicy(raw: unknown): { policy: PrPolicy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const o = isObject(raw) ? raw : {};
  if (!isObject(raw)) problems.push({ path: '', message: 'the pull-request policy must be a mapping' });
  const org = str(o['org'], 'org', problems);
  if (org === undefined && o['org'] === undefined) problems.push({ path: 'org', message: 'is required: the organisation whose members are trusted' });
  const base = defaultPolicy(org ?? '');
  const trustedOrg = str(o['trustedOrg'], 'trustedOrg', problems);
  const policy: PrPolicy = {
    ...base,
    ...(trustedOrg === undefined ? {} : { trustedOrg }),
    onlyOrgMembers: bool(o['onlyOrgMembers'], 'onlyOrgMembers', problems) ?? base.onlyOrgMembers,
    trustedTeams: strings(o['trustedTeams'], 'trustedTeams', problems) ?? base.trustedTeams,
    trustedApps: strings(o['trustedApps'], 'trustedApps', problems) ?? base.trustedApps,
    owners: bool(o['owners'], 'owners', problems) ?? base.owners,
    okToTest: oneOf(o['okToTest'], ['per-push', 'once'] as const, 'okToTest', problems) ?? base.okToTest,
    drafts: oneOf(o['drafts'], ['skip', 'run'] as const, 'drafts', problems) ?? base.drafts,
    bot: str(o['bot'], 'bot', problems) ?? base.bot,
    commands: parseCommands(o['commands'], base.commands, problems),
    defaultRoles: roles(o['defaultRoles'], 'defaultRoles', problems) ?? base.defaultRoles,
    ignoredCommands: strings(o['ignoredCommands'], 'ignoredCommands', problems) ?? base.ignoredCommands,
    statusContext: str(o['statusContext'], 'statusContext', problems) ?? base.statusContext,
    images: parseImages(o['images'], base.images, problems),
  };
  return { policy, problems };
}

/** The roles allowed to use a command under this policy. */
export function rolesFor(policy: PrPolicy, command: string): Role[] {
  return policy.commands[command] ?? policy.defaultRoles;
}
