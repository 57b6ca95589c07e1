import { describe, expect, it } from 'vitest';
import { isFullIdentityMap, parseLdd } from './owners.js';

describe('parseLdd', () => {
  it('finds the dynamic loader and the libraries, without the vDSO', () => {
    const out = [
      '\tlinux-vdso.so.1 (0x00007f7b151fc000)',
      '\tlibcap-ng.so.0 => /lib/x86_64-linux-gnu/libcap-ng.so.0 (0x00007f7b151ce000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f7b14fec000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f7b151fe000)',
    ].join('\n');
    expect(parseLdd(out)).toEqual({ interpreter: '/lib64/ld-linux-x86-64.so.2', libs: ['/lib/x86_64-linux-gnu/libcap-ng.so.0', '/lib/x86_64-linux-gnu/libc.so.6'] });
  });

  it('has no loader for a static binary', () => {
    expect(parseLdd('\tnot a dynamic executable\n')).toEqual({ libs: [] });
  });
});

describe('isFullIdentityMap', () => {
  it("is true for the host's map only", () => {
    expect(isFullIdentityMap('         0          0 4294967295\n')).toBe(true);
    expect(isFullIdentityMap('         0       1000          1\n')).toBe(false);
    expect(isFullIdentityMap('0 0 1000\n1000 100000 65536\n')).toBe(false);
    expect(isFullIdentityMap('')).toBe(false);
  });
});
