import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSuite } from '../../test/store-suite.js';
import { openSqlite, toPgPlaceholders } from './db.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await makeTempDir('plumbing-serve-store-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

storeSuite('SQLite', () => openSqlite(join(dir, `s${n++}`, 'serve.db')));

describe('toPgPlaceholders', () => {
  it('numbers ? outside string literals', () => {
    expect(toPgPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c IN (?, ?)")).toBe("SELECT * FROM t WHERE a = $1 AND b = '?' AND c IN ($2, $3)");
  });
});
