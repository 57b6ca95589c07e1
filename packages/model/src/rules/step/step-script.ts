import type { NodePath } from '../../check/finding.js';
import type { DocContext } from '../../check/rule.js';

const SHELL_SHEBANG = /^#!\s*\S*?(?:\/|\s)(?:env\s+)?(?:ba|da|a|k|z|busybox\s+)?sh\b/;

/**
 * Script checks shared by steps, sidecars and StepActions: SCRIPT_MISSING_SHEBANG, the alpha `#!win`
 * (FEATURE_FLAG_REQUIRED) and SCRIPT_LINT. SCRIPT_LINT is a cheap built-in shell check (no external tool: the
 * model package runs no processes): CRLF line endings, an unterminated quote, an unterminated here-document.
 * shellcheck / `sh -n` proper belong to the CLI.
 */
export function checkScript(ctx: DocContext, script: string, path: NodePath, who: string): void {
  const start = firstNonSpace(script);
  if (start < 0) return;
  const hasShebang = script.startsWith('#!', start);
  if (!hasShebang) {
    ctx.report('SCRIPT_MISSING_SHEBANG', path, `${who}: script has no #! line (Tekton runs it with #!/bin/sh and set -e)`, { hint: 'start the script with #!/bin/sh (or #!/usr/bin/env bash, python3...)' });
  } else if (script.startsWith('#!win', start)) {
    ctx.report('FEATURE_FLAG_REQUIRED', path, `${who}: #!win scripts are alpha: feature flag "enable-api-fields" should be set to "alpha"`, { needle: '#!win', gate: { apiFields: 'alpha' } });
    return;
  }
  const firstLine = hasShebang ? script.slice(start, lineEnd(script, start)) : '';
  if ((hasShebang && !SHELL_SHEBANG.test(firstLine)) || !ctx.enabled('SCRIPT_LINT')) return;
  const problem = shellProblem(script);
  if (problem) ctx.report('SCRIPT_LINT', path, `${who}: ${problem}`);
}

function firstNonSpace(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

function lineEnd(s: string, from: number): number {
  const n = s.indexOf('\n', from);
  return n < 0 ? s.length : n;
}

const HEREDOC = /<<(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|\\?([A-Za-z_][\w.-]*))/y;

/** A lexical problem of a POSIX shell script, or undefined. Quotes, comments and here-documents only. */
export function shellProblem(script: string): string | undefined {
  if (script.includes('\r\n')) return 'script has CRLF line endings (the shell sees a trailing \\r on each line)';
  let quote: '' | "'" | '"' | '`' = '';
  let quoteLine = 0;
  let line = 1;
  const pending: { word: string; strip: boolean }[] = [];
  const n = script.length;
  for (let i = 0; i < n; i++) {
    const c = script[i];
    if (c === '\n') {
      line++;
      if (pending.length > 0 && quote === '') {
        // skip here-document bodies
        let pos = i + 1;
        for (const h of pending) {
          let found = false;
          while (pos <= n) {
            const e = lineEnd(script, pos);
            let l = script.slice(pos, e);
            if (h.strip) l = l.replace(/^\t+/, '');
            pos = e + 1;
            line++;
            if (l === h.word) {
              found = true;
              break;
            }
            if (e >= n) break;
          }
          if (!found) return `here-document <<${h.word} is not terminated`;
        }
        pending.length = 0;
        i = pos - 1;
        line--;
      }
      continue;
    }
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      if (script[i] === '\n') line++;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = '';
      continue;
    }
    if (quote === '`') {
      if (c === '`') quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      quoteLine = line;
      continue;
    }
    if (c === '#') {
      const p = i === 0 ? '\n' : script[i - 1];
      if (p === ' ' || p === '\t' || p === '\n' || p === ';' || p === '&' || p === '|' || p === '(') {
        const e = lineEnd(script, i);
        i = e - 1;
      }
      continue;
    }
    if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      HEREDOC.lastIndex = i;
      const m = HEREDOC.exec(script);
      if (m) {
        pending.push({ word: m[2] ?? m[3] ?? m[4] ?? '', strip: m[1] === '-' });
        i = HEREDOC.lastIndex - 1;
      }
    }
  }
  if (quote !== '') return `unterminated ${quote === "'" ? 'single quote' : quote === '"' ? 'double quote' : 'backquote'} opened on line ${quoteLine} of the script`;
  if (pending.length > 0) return `here-document <<${pending[0]?.word ?? ''} is not terminated`;
  return undefined;
}
