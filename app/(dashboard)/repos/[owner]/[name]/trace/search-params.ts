import { createLoader, createSerializer, parseAsNativeArrayOf, parseAsString } from "nuqs/server";
import { tableParsers } from "@/app/_components/table-params";

/**
 * The trace page's URL: the query (env, at, good, path…, grep) and the bisect's marks —
 * `ev` (event number:g|b|s, …) and `cm` (12-digit SHA:g|b|s, …) — so a link reproduces the
 * whole investigation; plus the candidate table's page.
 */
export const traceSearchParams = {
  env: parseAsString,
  at: parseAsString,
  good: parseAsString,
  path: parseAsNativeArrayOf(parseAsString),
  grep: parseAsString,
  ev: parseAsString,
  cm: parseAsString,
  candidatesPage: tableParsers().page,
  betweenPage: tableParsers().page,
};

export const loadTraceSearchParams = createLoader(traceSearchParams);
export const serializeTrace = createSerializer(traceSearchParams);

export const PER_PAGE = 50;
/** Events between good and suspect per page (the bisect steps through all of them anyway). */
export const EVENTS_PER_PAGE = 20;
