// Retention against a real PostgreSQL on loopback (Debian's postgresql, started by the test),
// each test in a fresh database: the same suite retention.test.ts runs on SQLite.
import { afterAll, beforeAll } from 'vitest';
import { freshDatabase, type Postgres, startPostgres } from '../../test/postgres.js';
import { retentionSuite } from '../../test/retention-suite.js';

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

retentionSuite('PostgreSQL', () => freshDatabase(pg, 'retention'));
