// Test databases on the real PostgreSQL server of this machine (see toolchain notes).
// A run migrates one template database; each test file clones it, so no test shares data.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

export async function createEmptyDatabase(
  prefix = "lineage_t",
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  await adminQuery(`CREATE DATABASE "${name}"`);
  return { name, url: databaseUrl(name), drop: () => dropDatabase(name) };
}

/**
 * Drops test databases that a killed run left behind: their names carry their creation
 * time (see uniqueName), and none lives for hours, so older ones are safe to remove even
 * while another run is going.
 */
export async function dropStaleTestDatabases(maxAgeMs = 2 * 3600_000): Promise<string[]> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname ~ '^lineage_(t|tpl|bench|bench_gh)_[0-9a-z]+_[0-9a-f]{8}$'",
    );
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const stamp = Number.parseInt(name.split("_").at(-2)!, 36);
        return Number.isFinite(stamp) && Date.now() - stamp > maxAgeMs;
      });
    for (const name of stale) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
