import { parseAsArrayOf, parseAsInteger, parseAsString } from "nuqs/server";

/**
 * The URL state of one DataTable: `page` (1-based), `sort` ("column.asc" / "column.desc") and
 * `hide` (hidden column ids). A page with two tables gives each a prefix ("added" →
 * `addedPage`, `addedSort`, `addedHide`) so their links never collide. Shared by the client
 * table and the Server Component that reads the same keys to query one page.
 */
export function tableParsers() {
  return {
    page: parseAsInteger.withDefault(1),
    sort: parseAsString,
    hide: parseAsArrayOf(parseAsString),
  };
}

export type TableParsers = ReturnType<typeof tableParsers>;

export function tableUrlKeys(prefix = ""): Record<keyof TableParsers, string> {
  if (!prefix) return { page: "page", sort: "sort", hide: "hide" };
  return { page: `${prefix}Page`, sort: `${prefix}Sort`, hide: `${prefix}Hide` };
}

export interface SortSpec<C extends string> {
  column: C;
  desc: boolean;
}

/** "at.desc" → { column: "at", desc: true } when `at` is one of `columns`; else the fallback. */
export function parseSort<C extends string>(
  value: string | null | undefined,
  columns: readonly C[],
  fallback: SortSpec<C>,
): SortSpec<C> {
  const match = /^([A-Za-z0-9_]+)\.(asc|desc)$/.exec(value ?? "");
  if (!match || !columns.includes(match[1] as C)) return fallback;
  return { column: match[1] as C, desc: match[2] === "desc" };
}

/** A 1-based page number from the URL, clamped to the pages that exist. */
export function clampPage(page: number | null | undefined, total: number, perPage: number): number {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (!page || !Number.isFinite(page) || page < 1) return 1;
  return Math.min(Math.trunc(page), last);
}
