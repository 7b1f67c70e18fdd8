import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { SearchParams } from "nuqs/server";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { FilterForm } from "@/app/_components/filter-form";
import { filterQuery } from "@/app/_components/filter-query";
import { envHref, eventHref, repoHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { requestEnvironment } from "@/app/_components/request-reads";
import { parseEnvParam, parseRepoParams } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { StatusBadge } from "@/app/_components/status-badge";
import { clampPage } from "@/app/_components/table-params";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { EVENT_STATUSES } from "@/lib/lineage/event-status";
import { findEnvironmentEventsPage } from "@/lib/lineage/events-query";
import { DEFAULT_SORT, eventsFilter, eventsSort, loadEventsSearchParams, PER_PAGE } from "../search-params";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ owner: string; name: string; env: string }>;
  searchParams: Promise<SearchParams>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name, env } = await params;
  return { title: `${env} · ${owner}/${name}` };
}

const COLUMNS: DataTableColumn[] = [
  { id: "at", header: "When", sortable: true, hideable: false, className: "cell--nowrap" },
  { id: "ref", header: "Ref", sortable: true, hideable: false, className: "cell--wrap" },
  // Status before the commit: on a phone the first three columns are what fits without scrolling.
  { id: "status", header: "Status" },
  { id: "sha", header: "Commit" },
  { id: "actor", header: "By", sortable: true },
  { id: "added", header: "Added", sortable: true, align: "end" },
  { id: "removed", header: "Removed", sortable: true, align: "end" },
  { id: "prs", header: "PRs", align: "end" },
  { id: "seq", header: "#", align: "end", hiddenByDefault: true },
];

function isoDay(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : "";
}

const STATUS_LABEL: Record<(typeof EVENT_STATUSES)[number], string> = {
  success: "success",
  failed: "failed",
  "in-progress": "in progress",
  rollback: "rollback",
  baseline: "baseline",
};

/** What to do when an environment has no events, by where its events come from. */
function EmptyHistoryHelp({
  fullName,
  envName,
  source,
  pattern,
}: {
  fullName: string;
  envName: string;
  source: string;
  pattern: string;
}) {
  if (source === "deployments")
    return (
      <>
        <p>
          GitHub has recorded no deployment to <code>{pattern}</code> yet, or {fullName} has not been synced
          since. Sync it:
        </p>
        <pre>
          <code>{`npx lineage sync --repo ${fullName}`}</code>
        </pre>
      </>
    );
  return (
    <>
      <p>
        {source === "tags" ? (
          <>
            No tag matches <code>{pattern}</code> yet: {envName} gets an event each time one is created.
          </>
        ) : (
          <>
            The branch <code>{pattern}</code> has no imported commits yet.
          </>
        )}{" "}
        After the next release, import the clone again:
      </p>
      <pre>
        <code>{`npx lineage import-git --path <clone> --repo ${fullName}`}</code>
      </pre>
    </>
  );
}

export default async function EnvironmentPage({ params, searchParams }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const environment = parseEnvParam(raw.env);
  if (!repo || !environment)
    return (
      <NotFoundState
        title="Environment not found"
        message={`"${raw.owner}/${raw.name}" has no environment "${raw.env}".`}
      />
    );
  // The filter form submitted without JavaScript sends cleared fields as "from=&to=": drop them,
  // so the address (and a copied link) holds only the filters in force.
  const rawQuery = await searchParams;
  const entries = Object.entries(rawQuery).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x ?? ""]),
  );
  if (entries.some(([, v]) => v.trim() === ""))
    redirect(`${envHref(repo, environment)}${filterQuery(entries)}`);
  const q = await loadEventsSearchParams(searchParams);
  const filter = eventsFilter(q);
  const sort = eventsSort(q);
  const result = await loadPageData(async (db) => {
    // The environment as the layout read it (React cache): not read again.
    const resolved = await requestEnvironment(repo, environment);
    const first = await findEnvironmentEventsPage(db, {
      repo,
      environment,
      resolved,
      filter,
      sort,
      offset: (Math.max(1, q.page) - 1) * PER_PAGE,
      limit: PER_PAGE,
    });
    // A page past the end (a link from when there were more events): show the last page.
    const page = clampPage(q.page, first.total, PER_PAGE);
    if (page === q.page || first.total === 0) return { ...first, page: Math.max(1, q.page) };
    return {
      ...(await findEnvironmentEventsPage(db, {
        repo,
        environment,
        resolved,
        filter,
        sort,
        offset: (page - 1) * PER_PAGE,
        limit: PER_PAGE,
      })),
      page,
    };
  });
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Environment not found"
        links={[
          {
            href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}`,
            label: `The ${repo} repository`,
          },
        ]}
      />
    );
  const data = result.data;
  const fullName = data.repository.fullName;
  const envName = data.environment.name;
  const now = Date.now();
  const filtered = Boolean(filter.from || filter.to || filter.status || filter.actor);

  const rows: DataTableRow[] = data.events.map((e) => ({
    id: String(e.seq),
    testId: "event-row",
    values: {
      at: e.at,
      ref: e.ref,
      actor: e.actor,
      added: e.added,
      removed: e.removed,
      prs: e.prs,
      seq: e.seq,
    },
    cells: {
      at: (
        <>
          <Time iso={e.at} mode="datetime" />
          <div className="muted small">
            <Time iso={e.at} now={now} />
          </div>
        </>
      ),
      ref: (
        <Link href={eventHref(fullName, envName, e.seq)} data-testid="event-link" className="ref">
          {e.ref}
        </Link>
      ),
      sha: <ShortSha sha={e.sha} copy={false} />,
      status: (
        <span className="status-cell">
          <StatusBadge status={e.statusKind} />
          {e.status && !e.counted ? <span className="muted small">{e.status.toLowerCase()}</span> : null}
        </span>
      ),
      actor: <span data-testid="event-actor">{e.actor ?? "unknown"}</span>,
      added: e.baseline ? (
        <span className="muted" title="The first event: everything the environment runs, not a change">
          {e.added.toLocaleString("en")}
        </span>
      ) : (
        <span className="added">+{e.added.toLocaleString("en")}</span>
      ),
      removed:
        e.removed > 0 ? (
          <span className="removed">−{e.removed.toLocaleString("en")}</span>
        ) : (
          <span className="muted">0</span>
        ),
      prs: e.prs > 0 ? e.prs.toLocaleString("en") : <span className="muted">0</span>,
      seq: `#${e.seq}`,
    },
  }));

  const csvQuery = new URLSearchParams();
  if (filter.from) csvQuery.set("from", isoDay(q.from));
  if (q.to) csvQuery.set("to", isoDay(q.to));
  if (filter.status) csvQuery.set("status", filter.status);
  if (filter.actor) csvQuery.set("actor", filter.actor);
  if (q.sort) csvQuery.set("sort", q.sort);
  const csvHref = `${envHref(fullName, envName)}/events.csv${csvQuery.size ? `?${csvQuery}` : ""}`;

  return (
    <>
      <Breadcrumbs
        trail={[
          { label: fullName, href: repoHref(fullName), kind: "repo" },
          { label: envName, kind: "env" },
        ]}
      />
      <div className="page__intro page__intro--row">
        <div>
          <h1 data-testid="env-title">{envName} release history</h1>
          <p>
            Every{" "}
            {data.environment.source === "deployments"
              ? "deployment"
              : data.environment.source === "tags"
                ? "tag"
                : "commit"}{" "}
            matching <code>{data.environment.pattern}</code>
            {data.environment.source === "deployments" ? ", failed deployments included" : ""}.{" "}
            <strong className="big-number">{data.environmentTotal.toLocaleString("en")}</strong> events in
            all.
          </p>
        </div>
        {data.environmentTotal > 0 ? (
          <a className="button button--secondary" href={csvHref} download data-testid="csv-link">
            Download CSV{filtered ? " (filtered)" : ""}
          </a>
        ) : null}
      </div>

      {data.environmentTotal === 0 ? (
        <div className="empty" data-testid="empty-state">
          <h2>No events yet</h2>
          <EmptyHistoryHelp
            fullName={fullName}
            envName={envName}
            source={data.environment.source}
            pattern={data.environment.pattern}
          />
        </div>
      ) : (
        <>
          <FilterForm
            className="filters"
            action={envHref(fullName, envName)}
            label="Filter events"
            testId="filters"
          >
            <label>
              From
              <input type="date" name="from" defaultValue={isoDay(q.from)} />
            </label>
            <label>
              To
              <input type="date" name="to" defaultValue={isoDay(q.to)} />
            </label>
            <label>
              Status
              <select name="status" defaultValue={q.status ?? ""}>
                <option value="">any</option>
                {EVENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABEL[s]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              By
              <select name="actor" defaultValue={filter.actor ?? ""}>
                <option value="">anyone</option>
                {filter.actor && !data.actors.includes(filter.actor) ? (
                  <option value={filter.actor}>{filter.actor}</option>
                ) : null}
                {data.actors.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
            {q.sort ? <input type="hidden" name="sort" value={q.sort} /> : null}
            <button type="submit" className="button">
              Apply
            </button>
            {filtered ? (
              <Link href={envHref(fullName, envName)} className="filters__clear">
                Clear filters
              </Link>
            ) : null}
          </FilterForm>

          <DataTable
            label={`${envName} events`}
            testId="events-table"
            columns={COLUMNS}
            rows={rows}
            defaultSort={DEFAULT_SORT}
            pagination={{ page: data.page, perPage: PER_PAGE, total: data.total }}
            empty={
              filtered ? (
                <div className="empty" data-testid="empty-state">
                  <h2>No events match these filters</h2>
                  <p>
                    Widen the period or <Link href={envHref(fullName, envName)}>clear the filters</Link>.
                  </p>
                </div>
              ) : (
                <div className="empty" data-testid="empty-state">
                  <h2>No events on this page</h2>
                  <p>
                    <Link href={envHref(fullName, envName)}>Back to the newest events</Link>.
                  </p>
                </div>
              )
            }
          />
        </>
      )}
      <p className="muted small">
        Times are shown in your time zone; hover for UTC. Period filters are whole days in UTC. Sorting, the
        page and the filters are in the address: copy it to share this view.
      </p>
    </>
  );
}
