import type pg from "pg";
import type { Db } from "../db/client";

export type Queryable = Pick<pg.PoolClient, "query">;

/** Runs fn in one transaction on one connection: all of it lands, or none of it. */
export async function withTransaction<T>(
  db: Pick<Db, "pool">,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** A PostgreSQL array literal, for passing arrays of arrays through unnest($n::text[]). */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === "number" ? String(v) : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
}

/** An int[] literal; join() on a number array is far faster than mapping each element. */
export function intArrayLiteral(values: readonly number[]): string {
  return `{${values.join(",")}}`;
}

/** Calls fn on consecutive slices of at most `size` items. */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}
