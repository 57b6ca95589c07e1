import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '@plumbing/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSuite } from '../../test/store-suite.js';
import { openSqlite, toPgPlaceholders } from './db.js';
import { Store } from './store.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await makeTempDir('plumbing-serve-store-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

storeSuite('SQLite', () => openSqlite(join(dir, `s${n++}`, 'serve.db')));

describe('SQLite group commit (two real connections on one file)', () => {
  const delivery = (id: string) => ({ id, listener: 'github', event: 'push', action: null, received: '2026-01-01T00:00:00.000Z', headers: {}, body: '{}', eventId: `e-${id}` });

  it('commits the writes of one turn together: another connection sees them once durable() resolves', async () => {
    const file = join(dir, `g${n++}`, 'serve.db');
    const writer = new Store(await openSqlite(file));
    await writer.migrate();
    const reader = new Store(await openSqlite(file));
    try {
      expect(await writer.insertDelivery(delivery('a'))).toBe(true);
      await writer.finishDelivery('a', { runs: [] });
      expect(await writer.insertDelivery(delivery('b'))).toBe(true);
      // The writer's own connection reads what it wrote; nobody else does until the turn's commit.
      expect(await writer.countDeliveries()).toBe(2);
      expect(await reader.countDeliveries()).toBe(0);
      await writer.durable();
      expect(await reader.countDeliveries()).toBe(2);
      expect(await reader.getDelivery('a')).toMatchObject({ state: 'processed', outcome: { runs: [] } });
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it('a failed statement loses only itself; exec and close commit what was written before them', async () => {
    const file = join(dir, `g${n++}`, 'serve.db');
    const writer = new Store(await openSqlite(file));
    await writer.migrate();
    const reader = new Store(await openSqlite(file));
    try {
      await writer.insertDelivery(delivery('c'));
      await expect(writer.db.run('INSERT INTO deliveries (id) VALUES (?)', ['d'])).rejects.toThrow(/NOT NULL/);
      await writer.db.exec('SELECT 1');
      expect(await reader.countDeliveries()).toBe(1);
      await writer.insertDelivery(delivery('e'));
      await writer.close();
      expect(await reader.countDeliveries()).toBe(2);
    } finally {
      await reader.close();
    }
  });

  it("leaves a caller's own transaction alone (BEGIN … COMMIT through exec)", async () => {
    const file = join(dir, `g${n++}`, 'serve.db');
    const writer = new Store(await openSqlite(file));
    await writer.migrate();
    const reader = new Store(await openSqlite(file));
    try {
      await writer.db.exec('BEGIN');
      await writer.insertDelivery(delivery('f'));
      await writer.db.exec('ROLLBACK');
      await writer.durable();
      expect(await reader.countDeliveries()).toBe(0);
    } finally {
      await reader.close();
      await writer.close();
    }
  });
});

describe('toPgPlaceholders', () => {
  it('numbers ? outside string literals', () => {
    expect(toPgPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c IN (?, ?)")).toBe("SELECT * FROM t WHERE a = $1 AND b = '?' AND c IN ($2, $3)");
  });
});
