// The store suite against a real PostgreSQL on loopback, each test in a fresh database.
import { afterAll, beforeAll } from 'vitest';
import { freshDatabase, type Postgres, startPostgres } from '../../test/postgres.js';
import { storeSuite } from '../../test/store-suite.js';

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

storeSuite('PostgreSQL', () => freshDatabase(pg, 'store'));
