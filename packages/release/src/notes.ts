import type { PullInfo } from '@plumbing/github';

/** The notes template used when the config names none (or the file is missing at the commit). */
export const DEFAULT_NOTES_TEMPLATE = `# {{project}} {{version}}

{{changes}}

**Full changelog:** {{previousVersion}}...{{version}} ({{commit}})
`;

const SECTION_TITLES: Record<string, string> = {
  feature: 'Features',
  bug: 'Fixes',
  documentation: 'Documentation',
  cleanup: 'Cleanups',
  misc: 'Misc',
  flake: 'Flaky tests',
  'api-change': 'API changes',
  deprecation: 'Deprecations',
};
const SECTION_ORDER = ['api-change', 'deprecation', 'feature', 'bug', 'documentation', 'cleanup', 'flake', 'misc'];
export const OTHER_SECTION = 'Other changes';

/** The text of a ```release-note block in a PR body; undefined when there is none or it says NONE. */
export function releaseNoteOf(body: string | null): string | undefined {
  if (!body) return undefined;
  const m = /```release-note[ \t]*\r?\n([\s\S]*?)```/.exec(body);
  const text = m?.[1]?.trim();
  if (!text || /^none\.?$/i.test(text)) return undefined;
  return text;
}

export interface NoteEntry {
  number: number | undefined;
  text: string;
  author: string;
  url: string | undefined;
}

export interface NoteSection {
  title: string;
  entries: NoteEntry[];
}

/** Groups merged PRs by their kind/* label (a PR with several goes under the first in SECTION_ORDER). */
export function groupPulls(pulls: readonly PullInfo[]): NoteSection[] {
  const sections = new Map<string, NoteEntry[]>();
  for (const p of [...pulls].sort((a, b) => a.number - b.number)) {
    const kinds = p.labels.filter((l) => l.startsWith('kind/')).map((l) => l.slice('kind/'.length));
    kinds.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const kind = kinds[0];
    const title = kind === undefined ? OTHER_SECTION : (SECTION_TITLES[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1));
    const list = sections.get(title) ?? [];
    list.push({ number: p.number, text: releaseNoteOf(p.body) ?? p.title, author: p.author, url: p.url });
    sections.set(title, list);
  }
  return orderSections(sections);
}

function rank(kind: string): number {
  const i = SECTION_ORDER.indexOf(kind);
  return i < 0 ? SECTION_ORDER.length : i;
}

function orderSections(m: Map<string, NoteEntry[]>): NoteSection[] {
  const known = SECTION_ORDER.map((k) => SECTION_TITLES[k]!);
  const key = (t: string) => (t === OTHER_SECTION ? 1e6 : known.includes(t) ? known.indexOf(t) : 1000);
  return [...m.entries()].sort(([a], [b]) => key(a) - key(b) || a.localeCompare(b)).map(([title, entries]) => ({ title, entries }));
}

/** Sections from commit subjects, when the pull requests cannot be read (offline plan). */
export function sectionsFromCommits(commits: readonly { sha: string; subject: string; author: string }[]): NoteSection[] {
  if (commits.length === 0) return [];
  return [{ title: `${OTHER_SECTION} (from git log; pull requests not read)`, entries: commits.map((c) => ({ number: undefined, text: `${c.subject} (${c.sha.slice(0, 7)})`, author: c.author, url: undefined })) }];
}

export function renderChanges(sections: readonly NoteSection[]): string {
  if (sections.length === 0) return '_No changes._';
  return sections
    .map((s) => {
      const lines = s.entries.map((e) => {
        const [first = '', ...rest] = e.text.split(/\r?\n/);
        const ref = e.number === undefined ? '' : ` (#${e.number})`;
        const by = /^[A-Za-z0-9-]+(\[bot\])?$/.test(e.author) && e.number !== undefined ? ` by @${e.author}` : ` by ${e.author}`;
        return [`- ${first}${ref}${by}`, ...rest.map((l) => `  ${l}`)].join('\n');
      });
      return `## ${s.title}\n\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

/** Fills {{name}} placeholders; an unknown placeholder is left as it is. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (m, name: string) => vars[name] ?? m);
}

/** The pull requests merged by the commits of the range (matched on the merge commit, never on titles). */
export function pullsInRange(pulls: readonly PullInfo[], commits: ReadonlySet<string>): PullInfo[] {
  return pulls.filter((p) => p.mergedAt !== null && p.mergeCommitSha !== null && commits.has(p.mergeCommitSha));
}
