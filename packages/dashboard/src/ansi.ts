/**
 * ANSI SGR colours to HTML spans. Text is escaped first; every other escape sequence is dropped.
 * These functions reference nothing outside this module: ansiClientSource sends them to the page.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes any value (here, with the ANSI functions, so that the page's copy of them is self-contained). */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

interface Style {
  fg?: number;
  bg?: number;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}

function apply(style: Style, codes: number[]): Style {
  let s = { ...style };
  if (codes.length === 0) codes = [0];
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) delete s.bold;
    else if (c === 23) delete s.italic;
    else if (c === 24) delete s.underline;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100;
    else if (c === 49) delete s.bg;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) {
      const n = codes[i + 2] ?? 0;
      if (n < 16) s[c === 38 ? 'fg' : 'bg'] = c === 48 ? n % 8 : n;
      i += 2;
    } else if ((c === 38 || c === 48) && codes[i + 1] === 2) i += 4;
  }
  return s;
}

function classes(s: Style): string {
  const out: string[] = [];
  if (s.fg !== undefined) out.push(`f${s.fg}`);
  if (s.bg !== undefined) out.push(`b${s.bg}`);
  if (s.bold) out.push('a-b');
  if (s.italic) out.push('a-i');
  if (s.underline) out.push('a-u');
  return out.join(' ');
}

// CSI sequences (colours and cursor moves), OSC sequences (titles, links), other 2-byte escapes.
const ESCAPE = /\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** One line of a log as HTML; `style` carries colours over to the next line. */
export function ansiToHtml(line: string, style: Style = {}): { html: string; style: Style } {
  let html = '';
  let at = 0;
  let cur = style;
  const emit = (text: string) => {
    if (!text) return;
    const cls = classes(cur);
    html += cls ? `<span class="${cls}">${esc(text)}</span>` : esc(text);
  };
  for (const m of line.matchAll(ESCAPE)) {
    emit(line.slice(at, m.index));
    at = m.index + m[0].length;
    if (m[2] === 'm') cur = apply(cur, (m[1] ?? '').split(';').filter((x) => x !== '').map(Number));
  }
  emit(line.slice(at));
  return { html, style: cur };
}

/** The style in force after `line` (colours carry over lines), without the HTML. */
export function ansiStyle(line: string, style: Style = {}): Style {
  if (line.indexOf('\x1b') < 0) return style;
  let cur = style;
  for (const m of line.matchAll(ESCAPE)) if (m[2] === 'm') cur = apply(cur, (m[1] ?? '').split(';').filter((x) => x !== '').map(Number));
  return cur;
}

/** The same functions as browser JavaScript (the log viewer renders fetched ranges with them): one source for both. */
export function ansiClientSource(): string {
  return `var ESCAPES = ${JSON.stringify(ESCAPES)};\nvar ESCAPE = ${ESCAPE.toString()};\n${[esc, apply, classes, ansiToHtml, ansiStyle].map((f) => f.toString()).join('\n')}\n`;
}

export type { Style as AnsiStyle };
