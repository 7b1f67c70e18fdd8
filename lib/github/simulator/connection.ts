import { GraphQLError } from "graphql";

export type CursorKey = (string | number)[];

export interface PageInfoView {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface ConnectionView {
  __connection: true;
  nodes: unknown[];
  cursors: string[];
  totalCount: number;
  pageInfo: PageInfoView;
  /** Connection-specific fields (e.g. `checkRunCount` on StatusCheckRollupContextConnection). */
  extra: Record<string, unknown>;
}

export function isConnectionView(value: unknown): value is ConnectionView {
  return typeof value === "object" && value !== null && (value as ConnectionView).__connection === true;
}

const PREFIX = "cursor:v2:";

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(PREFIX + JSON.stringify(key)).toString("base64");
}

export function decodeCursor(cursor: string, argName: string): CursorKey {
  const invalid = () =>
    new GraphQLError(`\`${argName}\` does not appear to be a valid cursor.`, {
      extensions: { type: "INVALID_CURSOR_ARGUMENTS" },
    });
  let text: string;
  try {
    text = Buffer.from(cursor, "base64").toString("utf8");
  } catch {
    throw invalid();
  }
  if (!text.startsWith(PREFIX)) throw invalid();
  try {
    const key = JSON.parse(text.slice(PREFIX.length)) as unknown;
    if (!Array.isArray(key) || !key.every((k) => typeof k === "string" || typeof k === "number"))
      throw invalid();
    return key as CursorKey;
  } catch {
    throw invalid();
  }
}

function compareKeys(a: CursorKey, b: CursorKey): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === typeof y) return x < y ? -1 : 1;
    return typeof x === "number" ? -1 : 1;
  }
  return 0;
}

export interface PaginateOptions<T> {
  /** Sort key of an item; must be strictly monotonic along `items` (ascending, or descending if `desc`). */
  key?: (item: T, index: number) => CursorKey;
  desc?: boolean;
  extra?: Record<string, unknown>;
}

/**
 * Relay pagination over an already filtered and ordered list. Cursors carry the item's sort key rather
 * than its position, so a page boundary stays put when newer items are inserted (like GitHub's cursors).
 */
export function paginate<T>(
  items: readonly T[],
  args: Record<string, unknown>,
  opts: PaginateOptions<T> = {},
): ConnectionView {
  const keyOf = opts.key ?? ((_: T, i: number) => [i]);
  const sign = opts.desc ? -1 : 1;
  /** First index whose key is beyond `bound` in list order (`inclusive`: at or beyond). */
  const seek = (bound: CursorKey, inclusive: boolean): number => {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = sign * compareKeys(keyOf(items[mid] as T, mid), bound);
      if (c > 0 || (inclusive && c === 0)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let start = 0;
  let end = items.length;
  if (typeof args.after === "string") start = seek(decodeCursor(args.after, "after"), false);
  if (typeof args.before === "string") end = Math.max(start, seek(decodeCursor(args.before, "before"), true));
  if (typeof args.first === "number") end = Math.min(end, start + Math.max(0, args.first));
  if (typeof args.last === "number") start = Math.max(start, end - Math.max(0, args.last));
  const nodes = items.slice(start, end);
  const cursors = nodes.map((n, i) => encodeCursor(keyOf(n, start + i)));
  return {
    __connection: true,
    nodes,
    cursors,
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: cursors[0] ?? null,
      endCursor: cursors[cursors.length - 1] ?? null,
    },
    extra: opts.extra ?? {},
  };
}
