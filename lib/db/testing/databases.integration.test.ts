import pg from "pg";
import { describe, expect, it } from "vitest";
import { ADMIN_URL, adminQuery, dropStaleTestDatabases } from "./databases";

async function exists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("dropStaleTestDatabases", () => {
  it("drops test databases older than the limit and keeps recent ones", async () => {
    const old = `lineage_t_${(Date.now() - 3 * 3600_000).toString(36)}_0123abcd`;
    const recent = `lineage_t_${Date.now().toString(36)}_4567cdef`;
    await adminQuery(`CREATE DATABASE "${old}"`);
    await adminQuery(`CREATE DATABASE "${recent}"`);
    try {
      const dropped = await dropStaleTestDatabases();
      expect(dropped).toContain(old);
      expect(dropped).not.toContain(recent);
      expect(await exists(old)).toBe(false);
      expect(await exists(recent)).toBe(true);
    } finally {
      await adminQuery(`DROP DATABASE IF EXISTS "${old}"`);
      await adminQuery(`DROP DATABASE IF EXISTS "${recent}"`);
    }
  });
});
