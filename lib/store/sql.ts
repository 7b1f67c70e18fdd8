import os from "node:os";
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

/**
 * One connection shared by several concurrent flows: each query waits for the one queued
 * before it (pg deprecates queueing on a busy client), so writes keep their order. A failed
 * query rejects only its own caller; in a transaction the ones after it fail too.
 */
export function serialized(client: Queryable): Queryable {
  let tail: Promise<unknown> = Promise.resolve();
  const run = (...args: unknown[]) => {
    const result = tail.then(() => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
    tail = result.catch(() => {});
    return result;
  };
  return { query: run as Queryable["query"] };
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
  // Laid out as native int32s and byte-swapped to network order in one native call.
  const words = new Int32Array(5 + values.length * 2);
  words[0] = 1; // dimensions
  words[1] = 0; // no nulls
  words[2] = 23; // element type: int4
  words[3] = values.length;
  words[4] = 1; // lower bound
  for (let i = 0, o = 5; i < values.length; i++, o += 2) {
    words[o] = 4;
    words[o + 1] = values[i]!;
  }
  const buf = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
  return os.endianness() === "LE" ? buf.swap32() : buf;
}

/**
 * A text[] in PostgreSQL's binary array format. Each string is written as UTF-8 straight
 * into one buffer: no literal to escape here, none to parse there.
 */
export function textArrayBinary(values: readonly string[]): Buffer {
  let bound = 20;
  for (const v of values) bound += 4 + v.length * 3; // UTF-8 needs at most 3 bytes a UTF-16 unit
  const buf = Buffer.allocUnsafe(bound);
  buf.writeInt32BE(1, 0); // dimensions
  buf.writeInt32BE(0, 4); // no nulls
  buf.writeInt32BE(25, 8); // element type: text
  buf.writeInt32BE(values.length, 12);
  buf.writeInt32BE(1, 16); // lower bound
  let o = 20;
  for (const v of values) {
    const n = buf.write(v, o + 4, "utf8");
    buf.writeInt32BE(n, o);
    o += 4 + n;
  }
  return buf.subarray(0, o);
}

/** A float8[] in PostgreSQL's binary array format. */
export function float8ArrayBinary(values: readonly number[]): Buffer {
  const buf = Buffer.allocUnsafe(20 + values.length * 12);
  buf.writeInt32BE(1, 0);
  buf.writeInt32BE(0, 4);
  buf.writeInt32BE(701, 8); // element type: float8
  buf.writeInt32BE(values.length, 12);
  buf.writeInt32BE(1, 16);
  for (let i = 0, o = 20; i < values.length; i++, o += 12) {
    buf.writeInt32BE(8, o);
    buf.writeDoubleBE(values[i]!, o + 4);
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
