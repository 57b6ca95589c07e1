// The store suite against a real PostgreSQL on loopback, each test in a fresh database.
import { afterAll, beforeAll } from 'vitest';
import { type Postgres, startPostgres } from '../../test/postgres.js';
import { storeSuite } from '../../test/store-suite.js';
import { openPostgres } from './db.js';

let pg: Postgres;
let n = 0;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

storeSuite('PostgreSQL', async () => {
  const admin = await openPostgres(pg.url);
  const name = `store_${process.pid}_${n++}`;
  await admin.exec(`CREATE DATABASE ${name}`);
  await admin.close();
  return openPostgres(pg.url.replace(/\/postgres$/, `/${name}`));
});
