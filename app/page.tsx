import Link from "next/link";
import { loadPageData } from "@/lib/db/page-data";
import { findLatestEvents } from "@/lib/lineage/events-query";
import { findRepositoryOverviews } from "@/lib/lineage/overview";
import { getStatus } from "@/lib/lineage/status";
import { EmptyState } from "./_components/empty-state";
import { EventsChart } from "./_components/events-chart";
import { compareHref, eventHref, repoHref } from "./_components/hrefs";
import { PageState } from "./_components/page-state";
import { RepositoryCard } from "./_components/repository-card";
import { Time } from "./_components/time";

// Every request reads the database; nothing here may be prerendered at build time.
export const dynamic = "force-dynamic";

const CHART_EVENTS = 60;

export default async function HomePage() {
  const result = await loadPageData(async (db) => {
    const overviews = await findRepositoryOverviews(db);
    return Promise.all(
      overviews.map(async (repository) => ({
        repository,
        status: await getStatus(db, { repoId: repository.id, overview: repository }),
        events: await findLatestEvents(db, { repoId: repository.id, limit: CHART_EVENTS }),
      })),
    );
  });
  if (!result.ok) return <PageState result={result} />;
  const repositories = result.data;
  // One clock for the whole page, so every "3 days ago" agrees.
  const now = Date.now();
  return (
    <>
      <div className="page__intro">
        <h1>What runs where</h1>
        <p>Each environment in promotion order, with the commit it runs now and how it got there.</p>
      </div>
      {repositories.length === 0 ? (
        <EmptyState />
      ) : (
        repositories.map(({ repository, status, events }) => {
          const fullName = repository.fullName;
          const waiting = status.environments.filter((e) => e.previous !== null);
          const oldestEvent = events.at(-1);
          return (
            <div key={fullName} className="repo-block" data-testid="repo-block" data-repo={fullName}>
              <RepositoryCard repository={repository} now={now} />
              {waiting.length ? (
                <section
                  className="section"
                  aria-label={`Waiting to be promoted in ${fullName}`}
                  data-testid="waiting-list"
                >
                  <h2 className="section__title">Waiting to be promoted</h2>
                  <ul className="waiting-list">
                    {waiting.map((env) => (
                      <li key={env.name} data-testid="waiting" data-environment={env.name}>
                        {env.waiting === null ? (
                          <span className="muted">
                            {env.name}: {env.previous} has no counted event yet
                          </span>
                        ) : env.waiting.count === 0 ? (
                          <span>
                            <strong>{env.name}</strong> is up to date with {env.previous}
                          </span>
                        ) : (
                          <span>
                            <strong className="big-number" data-testid="waiting-count">
                              {env.waiting.count.toLocaleString("en")}
                            </strong>{" "}
                            {env.waiting.count === 1 ? "commit" : "commits"} in {env.previous} wait for{" "}
                            <strong>{env.name}</strong>
                            {env.waiting.oldest ? (
                              <>
                                , the oldest from <Time iso={env.waiting.oldest.committedAt} now={now} />
                              </>
                            ) : null}{" "}
                            · <Link href={compareHref(fullName, env.name, env.previous ?? "")}>see them</Link>
                          </span>
                        )}
                      </li>
                    ))}
                  </ul>
                </section>
              ) : null}
              {events.length ? (
                <section className="section" aria-labelledby={`chart-${fullName}`}>
                  <h2 className="section__title" id={`chart-${fullName}`}>
                    When {fullName}&apos;s last {events.length} promotions happened, per environment
                  </h2>
                  <EventsChart
                    environments={status.environments.map((e) => e.name)}
                    events={events.map((e) => ({
                      environment: e.environment,
                      seq: e.seq,
                      refName: e.ref,
                      at: e.at,
                      added: e.added,
                      removed: e.removed,
                      link: eventHref(fullName, e.environment, e.seq),
                    }))}
                  />
                  <p className="muted small">
                    Each dot is one promotion event (a tag, branch move or deployment) placed at its time;
                    hover for the exact time and commits added and removed, click to open the release.
                    {oldestEvent ? (
                      <>
                        {" "}
                        Since <Time iso={oldestEvent.at} mode="datetime" />. The same events as a table are on{" "}
                        <Link href={repoHref(fullName)}>the repository page</Link>.
                      </>
                    ) : null}
                  </p>
                </section>
              ) : null}
            </div>
          );
        })
      )}
    </>
  );
}
