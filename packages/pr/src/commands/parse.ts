// Commands in a comment, as Prow reads them: a line that starts with `/name`, arguments after it;
// several per comment; none inside fenced code blocks (Prow still reads those). The name is kept
// as written: whether case matters is the command's own (as in Prow: `/retest` exactly, `/HOLD` too).

export interface ParsedCommand {
  /** The name without the slash, as written. */
  name: string;
  args: string[];
  /** The line as written, for the reply. */
  line: string;
}

const COMMAND_LINE = /^\/([A-Za-z][A-Za-z0-9_-]*)(?:[ \t]+(.*?))?[ \t]*$/;

export function parseCommands(body: string): ParsedCommand[] {
  const out: ParsedCommand[] = [];
  const seen = new Set<string>();
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(raw)) {
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    const m = COMMAND_LINE.exec(raw.trimEnd());
    if (!m) continue;
    const name = m[1] ?? '';
    const args = (m[2] ?? '').split(/\s+/).filter(Boolean);
    const key = `${name} ${args.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name, args, line: raw.trim() });
  }
  return out;
}
