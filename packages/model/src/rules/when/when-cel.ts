/**
 * A small CEL syntax check: tokenizes and parses the grammar of
 * https://github.com/google/cel-spec/blob/master/doc/langdef.md#syntax. No type checking.
 * Tekton substitutes `$(...)` before evaluating, so a reference outside a string literal is read as an identifier.
 */

type Tok = { t: 'id' | 'num' | 'str' | 'op' | 'end'; v: string; at: number };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];
const ID_START = /[A-Za-z_]/;
const ID_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function tokenize(src: string): Tok[] | string {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '$' && src[i + 1] === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === '(') depth++;
        else if (src[j] === ')' && --depth === 0) break;
      }
      if (j >= src.length) return `unterminated $( at ${i + 1}`;
      out.push({ t: 'id', v: 'ref', at: i });
      i = j + 1;
      continue;
    }
    // string literals, with optional r/b prefixes and triple quotes
    let k = i;
    while (k < i + 2 && /[rRbB]/.test(src[k] ?? '')) k++;
    const q = src[k];
    if ((q === '"' || q === "'") && (k === i || ID_START.test(src[i]!))) {
      const raw = src.slice(i, k).toLowerCase().includes('r');
      const triple = src.startsWith(q.repeat(3), k);
      const close = triple ? q.repeat(3) : q;
      let j = k + close.length;
      for (; j < src.length; j++) {
        if (!raw && src[j] === '\\') {
          j++;
          continue;
        }
        if (!triple && (src[j] === '\n' || src[j] === '\r')) return `unterminated string at ${i + 1}`;
        if (src.startsWith(close, j)) break;
      }
      if (j >= src.length) return `unterminated string at ${i + 1}`;
      out.push({ t: 'str', v: src.slice(i, j + close.length), at: i });
      i = j + close.length;
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < src.length && ID_PART.test(src[j]!)) j++;
      const v = src.slice(i, j);
      out.push({ t: v === 'in' ? 'op' : 'id', v, at: i });
      i = j;
      continue;
    }
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(src[i + 1] ?? ''))) {
      let j = i;
      if (src.startsWith('0x', i) || src.startsWith('0X', i)) {
        j += 2;
        while (j < src.length && /[0-9a-fA-F]/.test(src[j]!)) j++;
      } else {
        while (j < src.length && /[0-9.eE]/.test(src[j]!)) {
          if ((src[j] === 'e' || src[j] === 'E') && (src[j + 1] === '+' || src[j + 1] === '-')) j++;
          j++;
        }
      }
      if (src[j] === 'u' || src[j] === 'U') j++;
      out.push({ t: 'num', v: src.slice(i, j), at: i });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) return `unexpected character '${c}' at ${i + 1}`;
    out.push({ t: 'op', v: op, at: i });
    i += op.length;
  }
  out.push({ t: 'end', v: '', at: src.length });
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok {
    return this.toks[this.i]!;
  }
  private is(v: string): boolean {
    const t = this.peek();
    return (t.t === 'op' || t.t === 'id') && t.v === v;
  }
  private eat(v: string): void {
    if (!this.is(v)) this.fail(`expected '${v}'`);
    this.i++;
  }
  fail(msg: string): never {
    const t = this.peek();
    throw new SyntaxError(`${msg} at ${t.at + 1}${t.t === 'end' ? ' (end of expression)' : ` near '${t.v}'`}`);
  }
  parse(): void {
    this.expr();
    if (this.peek().t !== 'end') this.fail('unexpected token');
  }
  private expr(): void {
    if (++this.depth > 200) this.fail('expression nested too deeply');
    this.binary(0);
    if (this.is('?')) {
      this.i++;
      this.expr();
      this.eat(':');
      this.expr();
    }
    this.depth--;
  }
  private static readonly LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];
  private binary(level: number): void {
    if (level >= Parser.LEVELS.length) {
      this.unary();
      return;
    }
    this.binary(level + 1);
    while (this.peek().t === 'op' && Parser.LEVELS[level]!.includes(this.peek().v)) {
      this.i++;
      this.binary(level + 1);
    }
  }
  private unary(): void {
    while (this.is('!') || this.is('-')) this.i++;
    this.member();
  }
  private member(): void {
    this.primary();
    for (;;) {
      if (this.is('.')) {
        this.i++;
        if (this.peek().t !== 'id') this.fail('expected a field name');
        this.i++;
        if (this.is('(')) this.args(')');
      } else if (this.is('[')) {
        this.i++;
        this.expr();
        this.eat(']');
      } else if (this.is('{')) {
        this.i++;
        this.inits(true);
      } else return;
    }
  }
  private args(close: string): void {
    this.i++;
    if (this.is(close)) {
      this.i++;
      return;
    }
    for (;;) {
      this.expr();
      if (this.is(',')) {
        this.i++;
        if (this.is(close)) break;
        continue;
      }
      break;
    }
    this.eat(close);
  }
  private inits(fields: boolean): void {
    if (this.is('}')) {
      this.i++;
      return;
    }
    for (;;) {
      if (fields) {
        if (this.peek().t !== 'id') this.fail('expected a field name');
        this.i++;
      } else this.expr();
      this.eat(':');
      this.expr();
      if (this.is(',')) {
        this.i++;
        if (this.is('}')) break;
        continue;
      }
      break;
    }
    this.eat('}');
  }
  private primary(): void {
    const t = this.peek();
    if (t.t === 'num' || t.t === 'str') {
      this.i++;
      return;
    }
    if (t.t === 'id') {
      this.i++;
      if (this.is('(')) this.args(')');
      return;
    }
    if (this.is('.')) {
      this.i++;
      if (this.peek().t !== 'id') this.fail('expected an identifier');
      this.primary();
      return;
    }
    if (this.is('(')) {
      this.i++;
      this.expr();
      this.eat(')');
      return;
    }
    if (this.is('[')) {
      this.args(']');
      return;
    }
    if (this.is('{')) {
      this.i++;
      this.inits(false);
      return;
    }
    this.fail('expected an expression');
  }
}

/** Undefined when `src` parses as CEL; else a short reason. */
export function celSyntaxError(src: string): string | undefined {
  if (src.trim() === '') return 'empty expression';
  const toks = tokenize(src);
  if (typeof toks === 'string') return toks;
  try {
    new Parser(toks).parse();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
