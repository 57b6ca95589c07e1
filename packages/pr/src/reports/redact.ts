// Secret values never reach a report: `redact` replaces each value, its lines (PEM keys), its
// base64 forms (standard and URL-safe, at any alignment inside a longer base64 text, as in an
// `Authorization: Basic` header of user:secret) and its URL-encoded forms.

export const REDACTED = '***';

/** Values shorter than this are not redacted (masking "ab" would garble every log). */
export const MIN_SECRET_LENGTH = 4;

/**
 * The base64 characters that depend only on the secret's bytes, when the secret starts `offset`
 * bytes into a longer base64-encoded text (0, 1 or 2): the edge characters mixed with other
 * bytes are dropped.
 */
function base64Core(secret: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), secret]).toString('base64').replace(/=+$/, '');
  const head = [0, 2, 3][offset] ?? 0;
  const tail = (offset + secret.length) % 3 === 0 ? 0 : 1;
  return encoded.slice(head, encoded.length - tail);
}

const toUrlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');

/** Every form of one secret value worth searching for. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>();
  const add = (s: string) => {
    if (s.length >= MIN_SECRET_LENGTH) forms.add(s);
  };
  for (const v of new Set([value, value.trim()])) {
    add(v);
    for (const line of v.split(/\r?\n/)) if (line.trim().length >= 8) add(line.trim());
    const bytes = Buffer.from(v, 'utf8');
    add(bytes.toString('base64'));
    for (const offset of [0, 1, 2]) {
      const core = base64Core(bytes, offset);
      if (core.length >= 6) {
        add(core);
        add(toUrlSafe(core));
      }
    }
    const uri = encodeURIComponent(v);
    add(uri);
    add(uri.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
    add(uri.replace(/%20/g, '+'));
    add(encodeURI(v));
  }
  return [...forms];
}

/** The text with every form of every secret value replaced by `***` (longest forms first). */
export function redact(text: string, secretValues: readonly string[]): string {
  const forms = [...new Set(secretValues.flatMap((v) => (v.trim().length >= MIN_SECRET_LENGTH ? secretForms(v) : [])))];
  forms.sort((a, b) => b.length - a.length);
  let out = text;
  for (const f of forms) out = out.split(f).join(REDACTED);
  return out;
}
