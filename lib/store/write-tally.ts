import { AsyncLocalStorage } from "node:async_hooks";

/** What a write did to the rows it was given: added, changed, or found exactly as stored. */
export interface WriteCounts {
  new: number;
  updated: number;
  unchanged: number;
}

export type WriteTally = Record<string, WriteCounts>;

// The sync modules call the store's write functions inside their own transactions; a tally
// carried by async context lets those functions report what they changed without every caller
// threading a counter through (the store functions still return their counts as well).
const current = new AsyncLocalStorage<WriteTally>();

/** Runs fn with a tally that every counted write inside it (however deep, however concurrent) adds to. */
export function withWriteTally<T>(tally: WriteTally, fn: () => Promise<T>): Promise<T> {
  return current.run(tally, fn);
}

/**
 * Counts an upsert whose `RETURNING (xmax = 0) AS inserted` returned only the rows it inserted
 * or changed (its `DO UPDATE … WHERE` skips identical ones): the rest of `total` were re-read
 * unchanged. xmax is 0 on a freshly inserted tuple and set on one ON CONFLICT updated.
 */
export function countWrites(
  kind: string,
  total: number,
  returned: readonly { inserted: boolean }[],
): WriteCounts {
  const inserted = returned.filter((r) => r.inserted).length;
  const counts = { new: inserted, updated: returned.length - inserted, unchanged: total - returned.length };
  const tally = current.getStore();
  if (tally) {
    tally[kind] ??= { new: 0, updated: 0, unchanged: 0 };
    const t = tally[kind];
    t.new += counts.new;
    t.updated += counts.updated;
    t.unchanged += counts.unchanged;
  }
  return counts;
}

/**
 * The WHERE of an `ON CONFLICT DO UPDATE` that leaves a row alone when the re-read changed
 * nothing: `(t.a, …) IS DISTINCT FROM (EXCLUDED.a, …)`. `incoming` overrides the new value of a
 * column whose SET is not plain `EXCLUDED.col` (a COALESCE that keeps a known value).
 */
export function changedWhere(
  table: string,
  columns: readonly string[],
  incoming: Record<string, string> = {},
) {
  return `(${columns.map((c) => `${table}.${c}`).join(", ")}) IS DISTINCT FROM (${columns
    .map((c) => incoming[c] ?? `EXCLUDED.${c}`)
    .join(", ")})`;
}
