import { createLoader, parseAsIsoDate, parseAsString, parseAsStringLiteral } from "nuqs/server";
import { parseSort, tableParsers } from "@/app/_components/table-params";
import { EVENT_STATUSES } from "@/lib/lineage/event-status";
import { EVENT_SORT_COLUMNS, type EventSortColumn, type EventsPageFilter } from "@/lib/lineage/events-query";

/** The release history's URL: filters (ISO dates, status, actor) plus the table's page and sort. */
export const eventsSearchParams = {
  from: parseAsIsoDate,
  to: parseAsIsoDate,
  status: parseAsStringLiteral(EVENT_STATUSES),
  actor: parseAsString,
  ...tableParsers(),
};

export const loadEventsSearchParams = createLoader(eventsSearchParams);

export const PER_PAGE = 50;
export const DEFAULT_SORT = "at.desc";

const DAY = 24 * 3600 * 1000;

/** The domain filter of the URL: `to` is inclusive (the whole day), as a person reads "to 2025-03-31". */
export function eventsFilter(q: Awaited<ReturnType<typeof loadEventsSearchParams>>): EventsPageFilter {
  return {
    from: q.from ?? undefined,
    to: q.to ? new Date(q.to.getTime() + DAY) : undefined,
    status: q.status ?? undefined,
    actor: q.actor?.trim() || undefined,
  };
}

export function eventsSort(q: { sort: string | null }): { column: EventSortColumn; desc: boolean } {
  return parseSort(q.sort, EVENT_SORT_COLUMNS, { column: "at", desc: true });
}
