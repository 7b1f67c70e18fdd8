import {
  createLoader,
  parseAsInteger,
  parseAsIsoDate,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { tableParsers, tableUrlKeys } from "@/app/_components/table-params";

/**
 * The metrics pages' URL: environment, period (`from`, `to` as ISO dates, `to` inclusive),
 * bucket, fix-forward window (minutes), zone, and the selected bucket (`sel`, its first
 * day) or lead-time bin (`bin`) whose releases are listed; plus the two tables' state.
 */
export const metricsSearchParams = {
  env: parseAsString,
  from: parseAsIsoDate,
  to: parseAsIsoDate,
  bucket: parseAsStringLiteral(["week", "month"] as const).withDefault("week"),
  fix: parseAsInteger,
  tz: parseAsString,
  sel: parseAsString,
  bin: parseAsInteger,
  ...tableParsers(),
};

export const loadMetricsSearchParams = createLoader(metricsSearchParams);
export type MetricsSearch = Awaited<ReturnType<typeof loadMetricsSearchParams>>;

/** The releases table's URL keys (the bucket table uses the plain ones). */
export const RELEASES_TABLE_PREFIX = "rel";
export const RELEASES_TABLE_KEYS = tableUrlKeys(RELEASES_TABLE_PREFIX);

const DAY = 86_400_000;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The period a page shows: the URL's, else the 12 weeks (12 months for months) up to the day
 * of `latest` (the environment's latest event) or today. `to` in the URL is inclusive (the
 * whole day), as a person reads "to 2025-03-31".
 */
export function pagePeriod(
  q: Pick<MetricsSearch, "from" | "to" | "bucket">,
  latest: string | null,
  now = new Date(),
): { from: Date; to: Date; fromDay: string; toDay: string; defaulted: boolean } {
  const lastDay = q.to ?? new Date(`${(latest ?? now.toISOString()).slice(0, 10)}T00:00:00Z`);
  const span = q.bucket === "month" ? 365 : 84;
  const from = q.from ?? new Date(lastDay.getTime() - (span - 1) * DAY);
  return {
    from,
    to: new Date(lastDay.getTime() + DAY),
    fromDay: isoDay(from),
    toDay: isoDay(lastDay),
    defaulted: !q.from && !q.to,
  };
}

/** A metrics page's query string with `changes` applied (null removes a key). */
export function metricsQuery(
  current: Record<string, string | number | null | undefined>,
  changes: Record<string, string | number | null | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...current, ...changes }))
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}
