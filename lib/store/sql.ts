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

/**
 * An int4[] in PostgreSQL's binary array format. pg sends Buffer parameters in binary, so a
 * large array skips building a decimal literal here and parsing it on the server (a
 * 6.9-million-element array: 0.85 s instead of 2.0 s).
 */
export function int4ArrayBinary(values: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(20 + values.length * 8);
  buf.writeInt32BE(1, 0); // dimensions
  buf.writeInt32BE(0, 4); // no nulls
  buf.writeInt32BE(23, 8); // element type: int4
  buf.writeInt32BE(values.length, 12);
  buf.writeInt32BE(1, 16); // lower bound
  let offset = 20;
  for (const v of values) {
    buf.writeInt32BE(4, offset);
    buf.writeInt32BE(v, offset + 4);
    offset += 8;
  }
  return buf;
}

/** Calls fn on consecutive slices of at most `size` items. */
export async function inChunks<T>(
  items: readonly T[],
  size: number,
  fn: (chunk: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await fn(items.slice(i, i + size));
}
