// Organisations, their members and teams: what the trust checks of a CI service ask about.

export type TeamRole = 'member' | 'maintainer';

interface OrgRecord {
  members: Set<string>;
  /** Team slug → login (lower-case) → role. */
  teams: Map<string, Map<string, { role: TeamRole; state: 'active' | 'pending' }>>;
}

export class AccessState {
  private readonly orgs = new Map<string, OrgRecord>();

  clear(): void {
    this.orgs.clear();
  }

  private org(name: string): OrgRecord {
    const key = name.toLowerCase();
    let org = this.orgs.get(key);
    if (!org) {
      org = { members: new Set(), teams: new Map() };
      this.orgs.set(key, org);
    }
    return org;
  }

  addOrgMember(org: string, login: string): void {
    this.org(org).members.add(login.toLowerCase());
  }

  /** Adds to a team (and, as on GitHub, to its organisation). A pending member has been invited only. */
  addTeamMember(org: string, teamSlug: string, login: string, role: TeamRole = 'member', state: 'active' | 'pending' = 'active'): void {
    const o = this.org(org);
    const team = o.teams.get(teamSlug) ?? new Map();
    team.set(login.toLowerCase(), { role, state });
    o.teams.set(teamSlug, team);
    if (state === 'active') o.members.add(login.toLowerCase());
  }

  hasOrg(org: string): boolean {
    return this.orgs.has(org.toLowerCase());
  }

  isMember(org: string, login: string): boolean {
    return this.orgs.get(org.toLowerCase())?.members.has(login.toLowerCase()) ?? false;
  }

  /** The membership, or undefined when the user is not in the team; null when there is no such team. */
  teamMembership(org: string, teamSlug: string, login: string): { role: TeamRole; state: 'active' | 'pending' } | undefined | null {
    const team = this.orgs.get(org.toLowerCase())?.teams.get(teamSlug);
    if (!team) return null;
    return team.get(login.toLowerCase());
  }
}
