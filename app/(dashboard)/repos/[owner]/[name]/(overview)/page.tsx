import type { Metadata } from "next";
import Link from "next/link";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { DataTable, type DataTableColumn } from "@/app/_components/data-table";
import { compareHref, envHref, eventHref, metricsHref, traceHref } from "@/app/_components/hrefs";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { requestRepository } from "@/app/_components/request-reads";
import { parseRepoParams } from "@/app/_components/route-params";
import { ShortSha } from "@/app/_components/short-sha";
import { StatusBadge } from "@/app/_components/status-badge";
import { Time } from "@/app/_components/time";
import { loadPageData } from "@/lib/db/page-data";
import { findLatestEvents } from "@/lib/lineage/events-query";
import { findRepositorySummaries } from "@/lib/lineage/repositories";
import { getStatus } from "@/lib/lineage/status";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ owner: string; name: string }> };

const LATEST_COLUMNS: DataTableColumn[] = [
  { id: "at", header: "When", sortable: true, hideable: false, className: "cell--nowrap" },
  { id: "environment", header: "Environment", sortable: true },
  { id: "ref", header: "Ref", sortable: true, hideable: false, className: "cell--wrap" },
  { id: "sha", header: "Commit" },
  { id: "status", header: "Status" },
  { id: "actor", header: "By", sortable: true },
  { id: "changes", header: "Changes", sortable: true, align: "end", className: "cell--nowrap" },
];

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name } = await params;
  return { title: `${owner}/${name}` };
}

export default async function RepositoryPage({ params }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  if (!repo)
    return (
      <NotFoundState
        title="Repository not found"
        message={`"${raw.owner}/${raw.name}" is not a repository name.`}
      />
    );
  const result = await loadPageData(async (db) => {
    // As the layout read it (React cache).
    const repository = await requestRepository(repo);
    const [status, latest, summaries] = await Promise.all([
      getStatus(db, { repoId: repository.id }),
      findLatestEvents(db, { repoId: repository.id, limit: 15 }),
      findRepositorySummaries(db),
    ]);
    const summary = summaries.find((s) => s.repo === repository.fullName);
    return { status, latest, summary };
  });
  if (!result.ok) return <PageState result={result} notFoundTitle="Repository not found" />;
  const { status, latest, summary } = result.data;
  const fullName = status.fullName;
  const now = Date.now();
  return (
    <>
      <Breadcrumbs trail={[{ label: fullName, kind: "repo" }]} />
      <div className="page__intro">
        <h1 className="mono-title" data-testid="repo-title">
          {fullName}
        </h1>
        <p data-testid="freshness">
          {status.commitCount.toLocaleString("en")} commits ·{" "}
          {summary?.importedAt ? (
            <>
              clone imported <Time iso={summary.importedAt} now={now} />
            </>
          ) : (
            "no clone imported"
          )}{" "}
          ·{" "}
          {summary?.syncedAt ? (
            <>
              GitHub synced <Time iso={summary.syncedAt} now={now} />
            </>
          ) : (
            <>
              GitHub not synced (<code>npx lineage sync</code> adds PRs, approvals, CI and signatures)
            </>
          )}{" "}
          ·{" "}
          <Link href={metricsHref(fullName)} data-testid="metrics-link">
            Delivery metrics
          </Link>
        </p>
        {status.environments.length ? (
          <p>
            <Link className="button button--secondary" href={traceHref(fullName)} data-testid="trace-link">
              Trace: which commit introduced it?
            </Link>
          </p>
        ) : null}
      </div>

      {status.environments.length === 0 ? (
        <section className="empty" data-testid="empty-state">
          <h2>No environments configured</h2>
          <p>
            Add environments for {fullName} to <code>lineage.config.json</code>, then import again:
          </p>
          <pre>
            <code>{`npx lineage import-git --path <clone> --repo ${fullName}`}</code>
          </pre>
        </section>
      ) : (
        <section aria-labelledby="envs-heading" className="section">
          <h2 id="envs-heading" className="section__title">
            Environments, in promotion order
          </h2>
          <ol className="env-grid env-cards">
            {status.environments.map((env) => (
              <li key={env.name} className="env-card" data-testid="env-card" data-environment={env.name}>
                <header className="env-card__header">
                  <Link className="env-card__name" href={envHref(fullName, env.name)}>
                    {env.name}
                  </Link>
                  <span className="muted env-card__source">
                    {env.source} <code>{env.pattern}</code>
                  </span>
                </header>
                {env.current ? (
                  <>
                    <div className="env-card__ref">
                      <code className="ref" data-testid="ref">
                        {env.current.ref}
                      </code>
                      <ShortSha sha={env.current.sha} />
                      {env.current.rollback ? <StatusBadge status="rollback" /> : null}
                    </div>
                    <p className="env-card__headline" title={env.current.headline}>
                      {env.current.headline}
                    </p>
                    <p className="env-card__when">
                      since <Time iso={env.current.at} now={now} /> by{" "}
                      <span data-testid="actor">{env.current.actor ?? "unknown"}</span>
                    </p>
                  </>
                ) : (
                  <p className="muted">No counted event yet.</p>
                )}
                <p className="env-card__waiting" data-testid="waiting">
                  {env.waiting === null ? (
                    env.previous === null ? (
                      <span className="muted">First environment: code arrives here first.</span>
                    ) : (
                      <span className="muted">{env.previous} has no counted event yet.</span>
                    )
                  ) : env.waiting.count === 0 ? (
                    <span>Up to date with {env.previous}.</span>
                  ) : (
                    <>
                      <strong className="big-number">{env.waiting.count.toLocaleString("en")}</strong>{" "}
                      {env.waiting.count === 1 ? "commit waits" : "commits wait"} in {env.previous}
                      {env.waiting.oldest ? (
                        <>
                          , oldest from <Time iso={env.waiting.oldest.committedAt} now={now} />
                        </>
                      ) : null}{" "}
                      · <Link href={compareHref(fullName, env.name, env.previous ?? "")}>compare</Link>
                    </>
                  )}
                </p>
                <footer className="env-card__footer">
                  <Link href={envHref(fullName, env.name)}>
                    Release history ({env.eventCount.toLocaleString("en")}{" "}
                    {env.eventCount === 1 ? "event" : "events"})
                  </Link>
                  {env.eventCount > 1 ? (
                    <>
                      {" "}
                      · <Link href={traceHref(fullName, { env: env.name })}>trace</Link>
                    </>
                  ) : null}
                </footer>
              </li>
            ))}
          </ol>
        </section>
      )}

      <section aria-labelledby="latest-heading" className="section">
        <h2 id="latest-heading" className="section__title">
          Latest events across environments
        </h2>
        {latest.length === 0 ? (
          <p className="muted">No promotion events yet.</p>
        ) : (
          <DataTable
            label="Latest events"
            testId="latest-events"
            urlPrefix="latest"
            defaultSort="at.desc"
            columns={LATEST_COLUMNS}
            rows={latest.map((e) => ({
              id: `${e.environment}-${e.seq}`,
              testId: "latest-event",
              values: {
                at: e.at,
                environment: e.environment,
                ref: e.ref,
                actor: e.actor,
                changes: e.added + e.removed,
              },
              cells: {
                at: <Time iso={e.at} now={now} />,
                environment: <Link href={envHref(fullName, e.environment)}>{e.environment}</Link>,
                ref: (
                  <>
                    <Link href={eventHref(fullName, e.environment, e.seq)}>{e.ref}</Link>
                    <div className="muted small clamp">{e.headline}</div>
                  </>
                ),
                sha: <ShortSha sha={e.sha} copy={false} />,
                status: <StatusBadge status={e.statusKind} />,
                actor: e.actor ?? "unknown",
                changes: (
                  <>
                    <span className="added">+{e.added.toLocaleString("en")}</span>{" "}
                    <span className="removed">−{e.removed.toLocaleString("en")}</span>
                  </>
                ),
              },
            }))}
          />
        )}
      </section>
    </>
  );
}
