"use client";

import {
  type ColumnDef,
  columnVisibilityFeature,
  createSortedRowModel,
  rowSortingFeature,
  type SortingState,
  sortFns,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { createSerializer, useQueryStates } from "nuqs";
import { type ReactNode, useEffect, useId, useMemo, useRef, useState } from "react";
import { tableParsers, tableUrlKeys } from "./table-params";

/** One column. Serializable, so a Server Component can describe the table. */
export interface DataTableColumn {
  id: string;
  header: string;
  /** Sortable by this column (server-side when `pagination` is given, else in the browser). */
  sortable?: boolean;
  /** Offered in the column picker; false keeps it always visible. Default true. */
  hideable?: boolean;
  /** Hidden until the viewer shows it. */
  hiddenByDefault?: boolean;
  align?: "start" | "end";
  /** Class on the column's cells (e.g. "cell--mono", "cell--wrap"). */
  className?: string;
}

/** One row: rendered cells (server-rendered React nodes) and the plain values sorting uses. */
export interface DataTableRow {
  id: string;
  cells: Record<string, ReactNode>;
  values?: Record<string, string | number | null>;
  /** data-testid of the row's <tr>. */
  testId?: string;
}

export interface DataTableProps {
  /** Accessible name of the table. */
  label: string;
  columns: DataTableColumn[];
  rows: DataTableRow[];
  /** Server-side paging: the current 1-based page, its size and the total of all pages. */
  pagination?: { page: number; perPage: number; total: number };
  /** URL key prefix when a page has more than one table ("added" → addedPage, addedSort). */
  urlPrefix?: string;
  /** The sort the server applied when the URL has none, e.g. "at.desc". */
  defaultSort?: string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** data-testid of the wrapping element. */
  testId?: string;
}

const features = tableFeatures({
  rowSortingFeature,
  columnVisibilityFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns,
});

function toSorting(value: string | null | undefined): SortingState {
  const match = /^([A-Za-z0-9_]+)\.(asc|desc)$/.exec(value ?? "");
  return match ? [{ id: match[1]!, desc: match[2] === "desc" }] : [];
}

/**
 * A table whose sort, hidden columns and page live in the URL (nuqs), so a copied link
 * reproduces the view. With `pagination` the server has already sorted and cut the page:
 * sorting and paging navigate (non-shallow) and the Server Component renders the new page.
 */
export function DataTable({
  label,
  columns,
  rows,
  pagination,
  urlPrefix = "",
  defaultSort,
  empty,
  testId,
}: DataTableProps) {
  const serverSide = pagination !== undefined;
  const urlKeys = tableUrlKeys(urlPrefix);
  const parsers = useMemo(() => tableParsers(), []);
  const [state, setState] = useQueryStates(parsers, { urlKeys, shallow: !serverSide, scroll: false });
  const searchParams = useSearchParams();
  const serialize = useMemo(() => createSerializer(parsers, { urlKeys }), [parsers, urlKeys]);
  const pickerId = useId();
  const scrollRef = useRef<HTMLElement>(null);
  const overflow = useSideScroll(scrollRef, rows.length);

  const sorting = useMemo(() => toSorting(state.sort ?? defaultSort), [state.sort, defaultSort]);
  const columnVisibility = useMemo(() => {
    const hidden = state.hide ?? columns.filter((c) => c.hiddenByDefault).map((c) => c.id);
    return Object.fromEntries(columns.map((c) => [c.id, !hidden.includes(c.id)]));
  }, [state.hide, columns]);

  const columnDefs = useMemo<ColumnDef<typeof features, DataTableRow>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (row: DataTableRow) => row.values?.[c.id] ?? null,
        enableSorting: c.sortable ?? false,
        enableHiding: c.hideable ?? true,
        sortFn: "basic",
        sortUndefined: "last",
      })),
    [columns],
  );

  const table = useTable({
    features,
    columns: columnDefs,
    data: rows,
    getRowId: (row) => row.id,
    manualSorting: serverSide,
    state: { sorting, columnVisibility },
    onSortingChange: (updater) => {
      const next = typeof updater === "function" ? updater(sorting) : updater;
      const first = next[0];
      void setState({ sort: first ? `${first.id}.${first.desc ? "desc" : "asc"}` : null, page: null });
    },
    onColumnVisibilityChange: (updater) => {
      const next = typeof updater === "function" ? updater(columnVisibility) : updater;
      void setState(
        { hide: columns.filter((c) => next[c.id] === false).map((c) => c.id) },
        { shallow: true },
      );
    },
  });

  const byId = new Map(columns.map((c) => [c.id, c]));
  const hideable = columns.filter((c) => c.hideable !== false);
  const visibleColumns = table.getVisibleLeafColumns();

  return (
    <div className="data-table" data-testid={testId}>
      <div className="data-table__toolbar">
        {pagination ? (
          <PageSummary {...pagination} />
        ) : (
          <span className="muted">
            {rows.length.toLocaleString("en")} {rows.length === 1 ? "row" : "rows"}
          </span>
        )}
        {overflow !== "none" ? (
          <span className="scroll-hint" data-testid="scroll-hint" data-overflow={overflow}>
            {overflow === "end" ? "← Scrolled to the last column" : "Scroll sideways for more columns →"}
          </span>
        ) : null}
        {hideable.length > 1 ? (
          <details className="column-picker">
            <summary>Columns</summary>
            <fieldset aria-labelledby={`${pickerId}-legend`}>
              <legend id={`${pickerId}-legend`}>Show columns</legend>
              {hideable.map((c) => (
                <label key={c.id}>
                  <input
                    type="checkbox"
                    checked={columnVisibility[c.id] !== false}
                    onChange={(e) => table.getColumn(c.id)?.toggleVisibility(e.target.checked)}
                  />{" "}
                  {c.header}
                </label>
              ))}
            </fieldset>
          </details>
        ) : null}
      </div>
      {rows.length === 0 ? (
        (empty ?? <p className="muted">Nothing to show.</p>)
      ) : (
        <section
          ref={scrollRef}
          className={`table-scroll${overflow === "more" ? " table-scroll--more" : ""}`}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
          tabIndex={0}
          aria-label={`${label} (scrolls sideways)`}
        >
          <table className="table" aria-label={label}>
            <thead>
              {table.getHeaderGroups().map((group) => (
                <tr key={group.id}>
                  {group.headers.map((header) => {
                    const column = byId.get(header.column.id);
                    const sorted = header.column.getIsSorted();
                    const ariaSort =
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined;
                    return (
                      <th
                        key={header.id}
                        scope="col"
                        aria-sort={ariaSort}
                        className={column?.align === "end" ? "cell--end" : undefined}
                      >
                        {header.column.getCanSort() ? (
                          <button
                            type="button"
                            className="sort-button"
                            onClick={header.column.getToggleSortingHandler()}
                            title={`Sort by ${column?.header ?? header.column.id}`}
                          >
                            {column?.header}
                            <span aria-hidden="true" className="sort-button__icon">
                              {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                            </span>
                          </button>
                        ) : (
                          column?.header
                        )}
                      </th>
                    );
                  })}
                </tr>
              ))}
            </thead>
            <tbody>
              {table.getRowModel().rows.map((row) => (
                <tr key={row.id} data-testid={row.original.testId}>
                  {visibleColumns.map((column) => {
                    const spec = byId.get(column.id);
                    const classes = [spec?.className, spec?.align === "end" ? "cell--end" : ""]
                      .filter(Boolean)
                      .join(" ");
                    return (
                      <td key={column.id} className={classes || undefined} data-column={column.id}>
                        {row.original.cells[column.id] ?? row.original.values?.[column.id] ?? ""}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {pagination ? (
        <Pager
          {...pagination}
          href={(page) => serialize(`?${searchParams.toString()}`, { page: page === 1 ? null : page })}
          label={label}
        />
      ) : null}
    </div>
  );
}

/**
 * Whether a table is wider than its region: "none" (it fits), "more" (columns hidden to the
 * right) or "end" (scrolled to the last column). On a phone most tables are wider than the
 * screen, and nothing else tells the reader that Status or Removed are one swipe away.
 */
function useSideScroll(ref: React.RefObject<HTMLElement | null>, rowCount: number): "none" | "more" | "end" {
  const [state, setState] = useState<"none" | "more" | "end">("none");
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure when the rows change
  useEffect(() => {
    const el = ref.current;
    if (!el) {
      setState("none");
      return;
    }
    const measure = () => {
      const hidden = el.scrollWidth - el.clientWidth;
      if (hidden <= 1) setState("none");
      else setState(el.scrollLeft >= hidden - 1 ? "end" : "more");
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    const table = el.firstElementChild;
    if (table) observer.observe(table);
    el.addEventListener("scroll", measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener("scroll", measure);
    };
  }, [ref, rowCount]);
  return state;
}

const number = new Intl.NumberFormat("en");

/** "1–50 of 1,008". */
export function formatRange(page: number, perPage: number, total: number): string {
  if (total === 0) return "0 of 0";
  const first = (page - 1) * perPage + 1;
  const last = Math.min(total, page * perPage);
  return `${number.format(first)}–${number.format(last)} of ${number.format(total)}`;
}

function PageSummary({ page, perPage, total }: { page: number; perPage: number; total: number }) {
  return (
    <span className="page-summary" data-testid="page-summary" aria-live="polite">
      {formatRange(page, perPage, total)}
    </span>
  );
}

function Pager({
  page,
  perPage,
  total,
  href,
  label,
}: {
  page: number;
  perPage: number;
  total: number;
  href: (page: number) => string;
  label: string;
}) {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1) return null;
  const link = (target: number, text: string, rel?: string) =>
    target < 1 || target > last || target === page ? (
      <span className="pager__link pager__link--disabled" aria-disabled="true">
        {text}
      </span>
    ) : (
      <Link className="pager__link" href={href(target) || "?"} rel={rel} scroll={false}>
        {text}
      </Link>
    );
  return (
    <nav className="pager" aria-label={`Pages of ${label}`} data-testid="pager">
      {link(1, "« First")}
      {link(page - 1, "‹ Previous", "prev")}
      <span className="pager__where">
        Page {number.format(page)} of {number.format(last)}
      </span>
      {link(page + 1, "Next ›", "next")}
      {link(last, "Last »")}
    </nav>
  );
}
