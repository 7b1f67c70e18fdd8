import type { Metadata } from "next";
import Link from "next/link";
import type { SearchParams } from "nuqs/server";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { metricsHref, repoHref } from "@/app/_components/hrefs";
import { MetricsView } from "@/app/_components/metrics/metrics-view";
import { loadMetricsSearchParams, metricsQuery, pagePeriod } from "@/app/_components/metrics/params";
import { PeriodForm } from "@/app/_components/metrics/period-form";
import { NotFoundState } from "@/app/_components/not-found-state";
import { PageState } from "@/app/_components/page-state";
import { parseRepoParams } from "@/app/_components/route-params";
import { loadPageData } from "@/lib/db/page-data";
import { AppError, isAppError } from "@/lib/errors";
import {
  computeEnvironmentMetrics,
  DEFAULT_FIX_WINDOW_MINUTES,
  findMetricsEnvironments,
} from "@/lib/lineage/metrics";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ owner: string; name: string }>;
  searchParams: Promise<SearchParams>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { owner, name } = await params;
  return { title: `Metrics · ${owner}/${name}` };
}

export default async function RepositoryMetricsPage({ params, searchParams }: Props) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  if (!repo)
    return (
      <NotFoundState title="Repository not found" message={`No repository "${raw.owner}/${raw.name}".`} />
    );
  const q = await loadMetricsSearchParams(searchParams);
  const fixWindow = q.fix ?? DEFAULT_FIX_WINDOW_MINUTES;
  const timeZone = q.tz ?? "UTC";
  const result = await loadPageData(async (db) => {
    const info = await findMetricsEnvironments(db, repo);
    const env = q.env ? info.environments.find((e) => e.name === q.env) : info.environments.at(-1);
    if (!env && q.env)
      throw new AppError(
        "NOT_FOUND",
        `${info.repo} has no environment "${q.env}" (its environments: ${info.environments.map((e) => e.name).join(", ") || "none"})`,
      );
    if (!env) return { info, env: null, period: null, metrics: null, invalid: null };
    const period = pagePeriod(q, env.latestEventAt);
    try {
      const metrics = await computeEnvironmentMetrics(db, {
        repo,
        environment: env.name,
        from: period.from,
        to: period.to,
        bucket: q.bucket,
        timeZone,
        fixWindowMinutes: fixWindow,
      });
      return { info, env, period, metrics, invalid: null };
    } catch (err) {
      if (isAppError(err) && err.code === "INVALID_ARGUMENT")
        return { info, env, period, metrics: null, invalid: err.message };
      throw err;
    }
  });
  if (!result.ok)
    return (
      <PageState
        result={result}
        notFoundTitle="Not found"
        links={[
          {
            href: `/repos/${encodeURIComponent(raw.owner)}/${encodeURIComponent(raw.name)}`,
            label: `The ${repo} repository`,
          },
        ]}
      />
    );
  const { info, env, period, metrics, invalid } = result.data;
  const fullName = info.repo;
  const basePath = metricsHref(fullName);
  const linkQuery = {
    env: q.env,
    from: period?.defaulted ? null : period?.fromDay,
    to: period?.defaulted ? null : period?.toDay,
    bucket: q.bucket === "week" ? null : q.bucket,
    fix: q.fix,
    tz: q.tz,
  };
  const hasActivity =
    metrics && (metrics.total.changeFailure.attempts > 0 || metrics.total.leadTime.commits > 0);

  return (
    <>
      <Breadcrumbs
        trail={[
          { label: fullName, href: repoHref(fullName), kind: "repo" },
          { label: "Metrics", kind: "page" },
        ]}
      />
      <div className="page__intro">
        <h1 data-testid="metrics-title">Delivery metrics{env ? ` of ${env.name}` : ""}</h1>
        <p>
          DORA&apos;s four keys, computed from {fullName}&apos;s stored promotion events and GitHub deployment
          statuses, per calendar {q.bucket} in {timeZone}
          {period ? (
            <>
              {" "}
              from {period.fromDay} to {period.toDay} (whole days in UTC)
            </>
          ) : null}
          . Failures are read from the events themselves (rollbacks, fix-forwards and failed deployments, as
          dora.dev counts them), not from incident tickets; recovery runs from the failure to the next counted
          event. <Link href="/metrics">All repositories</Link>
        </p>
      </div>
      {env && period ? (
        <PeriodForm
          basePath={basePath}
          environments={info.environments.map((e) => e.name)}
          env={env.name}
          fromDay={period.fromDay}
          toDay={period.toDay}
          bucket={q.bucket}
          fixWindow={fixWindow}
          timeZone={timeZone}
        />
      ) : null}
      {!env ? (
        <div className="empty" data-testid="empty-state">
          <h2>No environments</h2>
          <p>{fullName} has no environments configured: add them to lineage.config.json and import again.</p>
        </div>
      ) : invalid ? (
        <div className="empty" data-testid="invalid-state" role="alert">
          <h2>Cannot compute these metrics</h2>
          <p>{invalid}</p>
          <p>
            <Link href={metricsHref(fullName, metricsQuery({ env: q.env }, {}))}>
              Show the default period
            </Link>
          </p>
        </div>
      ) : metrics && !hasActivity ? (
        <div className="empty" data-testid="empty-state">
          <h2>No events in this period</h2>
          {env.latestEventAt ? (
            <p>
              {env.name}&apos;s latest event is of {env.latestEventAt.slice(0, 10)}.{" "}
              <Link href={metricsHref(fullName, metricsQuery({ env: q.env }, {}))}>
                Show the 12 weeks up to it
              </Link>
              .
            </p>
          ) : (
            <p>
              {env.name} has no events yet. Import the clone again, or sync GitHub for deployments:{" "}
              <code>npx lineage import-git --path &lt;clone&gt; --repo {fullName}</code>
            </p>
          )}
        </div>
      ) : metrics ? (
        <MetricsView
          metrics={metrics}
          linkQuery={linkQuery}
          basePath={basePath}
          selected={q.sel}
          selectedBin={q.bin}
        />
      ) : null}
      <p className="muted small">
        The period, bucket, window and selection are in the address: copy it to share this view. The same
        numbers:{" "}
        <code>
          npx lineage metrics --repo {fullName}
          {env ? ` --env ${env.name}` : ""}
          {period ? ` --from ${period.fromDay} --to ${period.to.toISOString().slice(0, 10)}` : ""} --bucket{" "}
          {q.bucket}
          {timeZone !== "UTC" ? ` --tz ${timeZone}` : ""} --fix-window {fixWindow}
        </code>
      </p>
    </>
  );
}
