import { describe, expect, it } from 'vitest';
import { combinationCount, fanOut, hasEmptyMatrixParam } from './matrix.js';

const plain = (cs: Map<string, string>[]) => cs.map((c) => Object.fromEntries(c));

describe('fanOut', () => {
  it('varies the first param fastest', () => {
    const cs = fanOut({ params: [{ name: 'platform', value: ['linux', 'mac', 'windows'] }, { name: 'browser', value: ['chrome', 'safari'] }] });
    expect(plain(cs).map((c) => `${c.platform}-${c.browser}`)).toEqual(['linux-chrome', 'mac-chrome', 'windows-chrome', 'linux-safari', 'mac-safari', 'windows-safari']);
  });

  it('merges include entries into non-contradicting combinations and appends the rest (docs/matrix.md example)', () => {
    const cs = fanOut({
      params: [
        { name: 'GOARCH', value: ['linux/amd64', 'linux/ppc64le', 'linux/s390x'] },
        { name: 'version', value: ['go1.17', 'go1.18.1'] },
      ],
      include: [
        { name: 'common-package', params: [{ name: 'package', value: 'path/to/common/package/' }] },
        { name: 's390x-no-race', params: [{ name: 'GOARCH', value: 'linux/s390x' }, { name: 'flags', value: '-cover -v' }] },
        { name: 'go117-context', params: [{ name: 'version', value: 'go1.17' }, { name: 'context', value: 'path/to/go117/context' }] },
        { name: 'non-existent-arch', params: [{ name: 'GOARCH', value: 'I-do-not-exist' }] },
      ],
    });
    expect(cs).toHaveLength(7);
    expect(plain(cs)[2]).toEqual({ GOARCH: 'linux/s390x', version: 'go1.17', package: 'path/to/common/package/', flags: '-cover -v', context: 'path/to/go117/context' });
    expect(plain(cs)[3]).toEqual({ GOARCH: 'linux/amd64', version: 'go1.18.1', package: 'path/to/common/package/' });
    expect(plain(cs)[6]).toEqual({ GOARCH: 'I-do-not-exist' });
  });

  it('uses include entries as the combinations when there are no params', () => {
    const cs = fanOut({ include: [{ params: [{ name: 'a', value: '1' }] }, { params: [{ name: 'a', value: '2' }, { name: 'b', value: 'x' }] }] });
    expect(plain(cs)).toEqual([{ a: '1' }, { a: '2', b: 'x' }]);
  });

  it('counts combinations and spots empty arrays', () => {
    const many = Array.from({ length: 17 }, (_, i) => String(i));
    expect(combinationCount({ params: [{ name: 'a', value: many }, { name: 'b', value: many }] })).toBe(289);
    expect(hasEmptyMatrixParam({ params: [{ name: 'a', value: [] }] })).toBe(true);
  });
});
