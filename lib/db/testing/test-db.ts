import { inject } from "vitest";
import { type Db, openDatabase } from "../client";
import { adminQuery, databaseUrl, dropDatabase, uniqueName } from "./databases";

/** A fresh, migrated database of this test's own, opened through the normal code path. */
export async function openTestDatabase(): Promise<Db & { name: string; drop(): Promise<void> }> {
  const name = uniqueName("lineage_t");
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  const db = await openDatabase({ url: databaseUrl(name), migrate: false });
  return Object.assign(db, {
    name,
    async drop() {
      await db.close();
      await dropDatabase(name);
    },
  });
}
