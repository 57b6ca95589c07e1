/**
 * Leases of running runs: the replica that runs a run renews `lease_expires` while it runs it; a
 * run still `running` past its lease belongs to a replica that stopped (killed, its machine gone)
 * and another replica takes it over (service/runner.ts says how).
 */
import { type RunRow, runOf, type Store } from './store.js';

/** Extends this owner's lease of a running run; false when the run is no longer its own and running (taken over, or ended). */
export async function renewLease(store: Store, name: string, owner: string, until: string): Promise<boolean> {
  return (await store.db.run("UPDATE runs SET lease_expires = ? WHERE name = ? AND owner = ? AND state = 'running'", [until, name, owner])) === 1;
}

/** Running runs of other owners whose lease expired before `now` (oldest first). */
export async function expiredLeases(store: Store, now: string, owner: string): Promise<RunRow[]> {
  const rows = await store.db.all("SELECT * FROM runs WHERE state = 'running' AND lease_expires IS NOT NULL AND lease_expires < ? AND owner <> ? ORDER BY created, name", [now, owner]);
  return rows.map(runOf);
}
