/** A run as far as this module cares: its kind, name and spec. */
interface RunDoc {
  kind: string;
  name: string;
  resource: { spec: unknown };
}

const FILE_URL = /\bfile:\/\/(\/[^\s"'`)]*)/g;

/** Every string inside a plain value, with its path (maps and lists; a run spec is shallow). */
function strings(v: unknown, path: (string | number)[], out: { s: string; path: (string | number)[] }[] = []) {
  if (typeof v === 'string') out.push({ s: v, path });
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) strings(x, [...path, i], out);
  }
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) strings(x, [...path, k], out);
  return out;
}

/**
 * Notes for `file://` URLs in the runs' specs (typically a git-clone `url` param): a sandboxed
 * step sees the host's system directories, its workspaces and the run's directories, not the
 * rest of the host, so `git clone file:///home/me/repo` fails inside it with "does not appear to
 * be a git repository". Said before anything runs, once per URL.
 */
export function fileUrlNotes(runs: readonly RunDoc[], sandboxed: boolean): string[] {
  if (!sandboxed) return [];
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const run of runs) {
    for (const { s, path } of strings(run.resource.spec, ['spec'])) {
      for (const m of s.matchAll(FILE_URL)) {
        if (seen.has(m[0])) continue;
        seen.add(m[0]);
        notes.push(
          `${run.kind} ${run.name} ${path.join('.')} is ${m[0]}: steps run in a sandbox that does not see ${m[1]} ` +
            '(only system directories, workspaces and the run\'s own directories), so a git clone of it fails there; ' +
            'serve the repository over HTTP (git http-backend) or git://, or run with --no-sandbox',
        );
      }
    }
  }
  return notes;
}
