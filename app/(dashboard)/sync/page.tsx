import type { Metadata } from "next";
import Link from "next/link";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { repoHref } from "@/app/_components/hrefs";
import { PageState } from "@/app/_components/page-state";
import { StatusBadge } from "@/app/_components/status-badge";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { getSyncOverview, type SyncRunRow } from "@/lib/github/sync-runs";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "GitHub sync" };

const BADGE = { ok: "success", failed: "failed", running: "in-progress", interrupted: "rollback" } as const;

function RunStatus({ status }: { status: string }) {
  const kind = (BADGE[status as keyof typeof BADGE] ?? "unknown") as Parameters<
    typeof StatusBadge
  >[0]["status"];
  return (
    <span data-testid="run-status">
      <StatusBadge status={kind} title={`sync run ${status}`} />{" "}
      {kind === "unknown" || kind === "rollback" ? <span className="small">{status}</span> : null}
    </span>
  );
}

const COLUMNS: DataTableColumn[] = [
  { id: "id", header: "Run", sortable: true },
  { id: "status", header: "Outcome", sortable: true },
  { id: "startedAt", header: "Started", sortable: true, className: "cell--nowrap" },
  { id: "seconds", header: "Took", sortable: true, align: "end" },
  { id: "repos", header: "Repositories", className: "cell--wrap" },
  { id: "fetched", header: "Fetched (new / updated / re-read)", className: "cell--wrap" },
  { id: "requests", header: "Requests", sortable: true, align: "end" },
  { id: "points", header: "Rate-limit points", sortable: true, align: "end" },
  { id: "problems", header: "Errors and warnings", className: "cell--wrap" },
];

function fetched(run: SyncRunRow) {
  let n = 0;
  let u = 0;
  let same = 0;
  for (const r of run.perRepo)
    for (const c of Object.values(r.written)) {
      n += c.new;
      u += c.updated;
      same += c.unchanged;
    }
  return { n, u, same };
}

function runRows(runs: SyncRunRow[], now: number): DataTableRow[] {
  return runs.map((run) => {
    const f = fetched(run);
    const seconds = run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null;
    return {
      id: String(run.id),
      testId: "run-row",
      values: {
        id: run.id,
        status: run.status,
        startedAt: run.startedAt,
        seconds,
        requests: run.requests,
        points: run.points,
      },
      cells: {
        id: `#${run.id}`,
        status: <RunStatus status={run.status} />,
        startedAt: <Time iso={run.startedAt} now={now} />,
        seconds: seconds === null ? <span className="muted">—</span> : `${seconds.toFixed(1)} s`,
        repos: run.repos.join(", "),
        fetched: `${f.n.toLocaleString("en")} / ${f.u.toLocaleString("en")} / ${f.same.toLocaleString("en")}`,
        requests: run.requests.toLocaleString("en"),
        points: run.points.toLocaleString("en"),
        problems:
          run.errors || run.message || run.warnings.length ? (
            <>
              {run.errors ? (
                <div className="removed">
                  {run.errors} {run.errors === 1 ? "error" : "errors"}
                </div>
              ) : null}
              {run.message ? <div data-testid="run-message">{run.message}</div> : null}
              {run.warnings.map((w) => (
                <div key={w.message} className="muted small">
                  {w.message}
                </div>
              ))}
            </>
          ) : (
            <span className="muted">none</span>
          ),
      },
    };
  });
}

export default async function SyncPage() {
  const result = await loadPageData((db) => getSyncOverview(db, { limit: 100 }));
  if (!result.ok) return <PageState result={result} />;
  const { repositories, runs, counts } = result.data;
  const now = Date.now();
  const interrupted = counts.interrupted ?? 0;
  return (
    <>
      <div className="page__intro">
        <h1>GitHub sync</h1>
        <p>
          What each repository last read from GitHub: pull requests, reviews, CI, signatures and deployments.{" "}
          {runs.length ? (
            <>
              Runs in all:{" "}
              {Object.entries(counts)
                .map(([status, n]) => `${n.toLocaleString("en")} ${status}`)
                .join(" · ")}
              .
            </>
          ) : null}
        </p>
      </div>

      {interrupted > 0 ? (
        <p className="notice" data-testid="interrupted">
          {interrupted} {interrupted === 1 ? "run was" : "runs were"} interrupted (the process ended without
          recording an outcome). Run <code>npx lineage sync</code> again: it resumes from the last checkpoint
          and repeats nothing.
        </p>
      ) : null}

      {repositories.length === 0 ? (
        <section className="empty" data-testid="empty-state">
          <h2>Nothing imported or synced yet</h2>
          <p>Configure repositories in lineage.config.json, then read them from GitHub with a token:</p>
          <pre>
            <code>GITHUB_TOKEN=… npx lineage sync</code>
          </pre>
        </section>
      ) : (
        <section aria-labelledby="repos-heading" className="section">
          <h2 id="repos-heading" className="section__title">
            Per repository
          </h2>
          <ul className="sync-cards">
            {repositories.map((r) => {
              const mine = r.lastSync?.perRepo.find((p) => p.repo.toLowerCase() === r.repo.toLowerCase());
              const written = mine ? Object.entries(mine.written) : [];
              const spent = mine
                ? Object.values(mine.resources).reduce(
                    (s, x) => ({ requests: s.requests + x.requests, points: s.points + x.points }),
                    { requests: 0, points: 0 },
                  )
                : null;
              return (
                <li key={r.repo} className="card sync-card" data-testid="sync-repo" data-repo={r.repo}>
                  <header className="env-card__header">
                    <Link className="env-card__name" href={repoHref(r.repo)}>
                      {r.repo}
                    </Link>
                  </header>
                  <p>
                    Clone imported:{" "}
                    {r.importedAt ? (
                      <Time iso={r.importedAt} now={now} />
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </p>
                  <p data-testid="last-sync">
                    Last sync:{" "}
                    {r.lastSync ? (
                      <>
                        <RunStatus status={r.lastSync.status} /> <Time iso={r.lastSync.startedAt} now={now} />{" "}
                        (run #{r.lastSync.id})
                      </>
                    ) : (
                      <span className="muted">
                        never — run <code>npx lineage sync</code>
                      </span>
                    )}
                  </p>
                  {r.lastOk && r.lastOk !== r.lastSync ? (
                    <p className="muted small">
                      Last successful: <Time iso={r.lastOk.startedAt} now={now} /> (run #{r.lastOk.id})
                    </p>
                  ) : null}
                  {written.length ? (
                    <ul className="link-list small" aria-label={`What the last sync of ${r.repo} fetched`}>
                      {written.map(([kind, c]) => (
                        <li key={kind}>
                          {kind.replace(/_/g, " ")}: <strong>{c.new.toLocaleString("en")}</strong> new,{" "}
                          {c.updated.toLocaleString("en")} updated, {c.unchanged.toLocaleString("en")} re-read
                        </li>
                      ))}
                    </ul>
                  ) : null}
                  {spent ? (
                    <p className="small">
                      {spent.requests.toLocaleString("en")} requests · {spent.points.toLocaleString("en")}{" "}
                      rate-limit points
                    </p>
                  ) : null}
                  {r.lastSync?.message ? <p className="removed small">{r.lastSync.message}</p> : null}
                  {r.lastSync?.warnings
                    .filter((w) => w.repo === r.repo)
                    .map((w) => (
                      <p key={w.message} className="muted small">
                        {w.message}
                      </p>
                    ))}
                </li>
              );
            })}
          </ul>
        </section>
      )}

      <section aria-labelledby="runs-heading" className="section">
        <h2 id="runs-heading" className="section__title">
          Recent runs
        </h2>
        <DataTable
          label="Recent sync runs"
          testId="runs-table"
          columns={COLUMNS}
          rows={runRows(runs, now)}
          defaultSort="id.desc"
          empty={
            <p className="muted" data-testid="no-runs">
              No sync has run yet. <code>GITHUB_TOKEN=… npx lineage sync</code> reads PRs, approvals, CI and
              signatures; the dashboard works without it, from the clone alone.
            </p>
          }
        />
      </section>
    </>
  );
}
