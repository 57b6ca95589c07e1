import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

const SECRET = 's3cr3t-t0ken/with+chars';

describe('redact', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cases: [string, string][] = [
    ['the value', `token=${SECRET} end`],
    ['base64', `echo ${b64(SECRET)}`],
    ['base64 without padding', `x ${b64(SECRET).replace(/=+$/, '')} y`],
    ['URL-safe base64', `x ${b64(SECRET).replace(/\+/g, '-').replace(/\//g, '_')} y`],
    ['base64 inside a Basic header (user:secret)', `Authorization: Basic ${b64(`x-access-token:${SECRET}`)}`],
    ['base64 at every alignment', `${b64(`a${SECRET}`)} ${b64(`ab${SECRET}`)} ${b64(`abc${SECRET}`)}`],
    ['URL-encoded', `https://x/?t=${encodeURIComponent(SECRET)}`],
    ['URL-encoded, lower-case hex', `https://x/?t=${encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`],
    ['form-encoded spaces', `q=${encodeURIComponent(`${SECRET} two`).replace(/%20/g, '+')}`],
  ];
  it.each(cases)('removes %s', (_name, text) => {
    const out = redact(text, [SECRET]);
    expect(out).toContain('***');
    expect(out).not.toContain(SECRET);
    // Nothing of the secret survives in any of the encodings either.
    for (const form of [b64(SECRET).slice(4, -4), encodeURIComponent(SECRET)]) expect(out).not.toContain(form);
  });

  it('removes each line of a multi-line secret (a PEM key) and a mounted secret\'s trailing newline', () => {
    const key = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX\n-----END KEY-----\n';
    expect(redact('line: MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX', [key])).toBe('line: ***');
    expect(redact('pass: hunter2-long', ['hunter2-long\n'])).toBe('pass: ***');
  });

  it('leaves text without secrets alone and ignores values too short to mask', () => {
    expect(redact('all good: abc', [SECRET, 'ab', ''])).toBe('all good: abc');
  });
});
