// GET /repos/[owner]/[name]/envs/[env]/events.csv — the release history's current view as CSV
import { stringify } from "csv-stringify/sync";
import { parseEnvParam, parseRepoParams } from "@/app/_components/route-params";
import { neutraliseCsvCell } from "@/lib/csv";
import { withDb } from "@/lib/db/app-db";
import { toAppError } from "@/lib/errors";
import { findEnvironmentEventsPage } from "@/lib/lineage/events-query";
import { eventsFilter, eventsSort, loadEventsSearchParams } from "../search-params";

export const dynamic = "force-dynamic";

/** More than any environment we have seen; a bound so one request cannot ask for everything. */
const MAX_ROWS = 100_000;

type Context = { params: Promise<{ owner: string; name: string; env: string }> };

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

export async function GET(request: Request, { params }: Context): Promise<Response> {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const environment = parseEnvParam(raw.env);
  if (!repo || !environment) return text(404, "not found: no such repository or environment");
  const q = loadEventsSearchParams(request);
  try {
    const page = await withDb((db) =>
      findEnvironmentEventsPage(db, {
        repo,
        environment,
        filter: eventsFilter(q),
        sort: eventsSort(q),
        offset: 0,
        limit: MAX_ROWS,
      }),
    );
    const rows = page.events.map((e) => [
      e.seq,
      e.at,
      neutraliseCsvCell(page.environment.name),
      neutraliseCsvCell(e.ref),
      e.sha,
      neutraliseCsvCell(e.actor),
      e.statusKind,
      neutraliseCsvCell(e.status),
      e.counted ? "yes" : "no",
      e.added,
      e.removed,
      e.rollback ? "yes" : "no",
      e.prs,
    ]);
    const csv = stringify(rows, {
      header: true,
      columns: [
        "seq",
        "at_utc",
        "environment",
        "ref",
        "sha",
        "actor",
        "status",
        "deployment_status",
        "counted",
        "added",
        "removed",
        "rollback",
        "prs",
      ],
    });
    const file = `${page.repository.fullName.replace("/", "_")}-${page.environment.name}-events.csv`.replace(
      /[^A-Za-z0-9._-]/g,
      "_",
    );
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${file}"`,
        "cache-control": "no-store",
        "x-total-count": String(page.total),
      },
    });
  } catch (err) {
    const appError = toAppError(err);
    if (appError.code === "NOT_FOUND") return text(404, `not found: ${appError.message}`);
    if (appError.code === "DATABASE_UNAVAILABLE") {
      console.error(`lineage: ${appError.message.replace(/\s+/g, " ")}`);
      return text(503, "the database is unavailable or not migrated (the server log has the details)");
    }
    throw err;
  }
}
