import type { Metadata } from "next";
import Link from "next/link";
import type { SearchParams } from "nuqs/server";
import { Breadcrumbs } from "@/app/_components/breadcrumbs";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { allMetricsHref, metricsHref, repoHref } from "@/app/_components/hrefs";
import { AllReposChart, type AllReposPoint } from "@/app/_components/metrics/all-repos-chart";
import { loadMetricsSearchParams, metricsQuery, pagePeriod } from "@/app/_components/metrics/params";
import { PeriodForm } from "@/app/_components/metrics/period-form";
import { PageState } from "@/app/_components/page-state";
import { loadPageData } from "@/lib/db/page-data";
import { isAppError } from "@/lib/errors";
import { bucketDate, formatDuration, formatRate } from "@/lib/lineage/duration";
import {
  computeEnvironmentMetrics,
  DEFAULT_FIX_WINDOW_MINUTES,
  type EnvironmentMetrics,
  findMetricsEnvironments,
  METRIC_DEFINITIONS,
} from "@/lib/lineage/metrics";
import { findRepositorySummaries } from "@/lib/lineage/repositories";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Delivery metrics" };

const COLUMNS: DataTableColumn[] = [
  { id: "repo", header: "Repository", sortable: true, hideable: false },
  { id: "env", header: "Environment", sortable: true, hideable: false },
  { id: "deployments", header: "Deployments", sortable: true, align: "end" },
  { id: "leadMedian", header: "Lead time p50", sortable: true, align: "end" },
  { id: "leadP90", header: "Lead time p90", sortable: true, align: "end" },
  { id: "rate", header: "Failure rate", sortable: true, align: "end" },
  { id: "recovery", header: "Recovery p50", sortable: true, align: "end" },
];

type Props = { searchParams: Promise<SearchParams> };

export default async function AllMetricsPage({ searchParams }: Props) {
  const q = await loadMetricsSearchParams(searchParams);
  const fixWindow = q.fix ?? DEFAULT_FIX_WINDOW_MINUTES;
  const timeZone = q.tz ?? "UTC";
  const result = await loadPageData(async (db) => {
    const repos = await findRepositorySummaries(db);
    const infos = await Promise.all(repos.map((r) => findMetricsEnvironments(db, r.repo)));
    const latest =
      infos
        .flatMap((i) => i.environments.map((e) => e.latestEventAt))
        .filter((x): x is string => x !== null)
        .sort()
        .at(-1) ?? null;
    const period = pagePeriod(q, latest);
    let rows: EnvironmentMetrics[] = [];
    try {
      rows = await Promise.all(
        infos.flatMap((info) =>
          info.environments.map((env) =>
            computeEnvironmentMetrics(db, {
              repo: info.repo,
              environment: env.name,
              from: period.from,
              to: period.to,
              bucket: q.bucket,
              timeZone,
              fixWindowMinutes: fixWindow,
            }),
          ),
        ),
      );
    } catch (err) {
      if (isAppError(err) && err.code === "INVALID_ARGUMENT")
        return { period, rows: [], invalid: err.message, infos };
      throw err;
    }
    return { period, rows, invalid: null, infos };
  });
  if (!result.ok) return <PageState result={result} />;
  const { period, rows, invalid, infos } = result.data;
  const keep = {
    from: period.defaulted ? null : period.fromDay,
    to: period.defaulted ? null : period.toDay,
    bucket: q.bucket === "week" ? null : q.bucket,
    fix: q.fix,
    tz: q.tz,
  };
  const tableRows: DataTableRow[] = rows.map((m) => {
    const t = m.total;
    const href = metricsHref(m.repo, metricsQuery(keep, { env: m.environment }));
    return {
      id: `${m.repo} ${m.environment}`,
      testId: "metrics-row",
      values: {
        repo: m.repo,
        env: m.environment,
        deployments: t.deployments.count,
        leadMedian: t.leadTime.medianSeconds,
        leadP90: t.leadTime.p90Seconds,
        rate: t.changeFailure.rate,
        recovery: t.recovery.medianSeconds,
      },
      cells: {
        repo: <Link href={repoHref(m.repo)}>{m.repo}</Link>,
        env: (
          <Link href={href} data-testid="env-metrics-link">
            {m.environment}
          </Link>
        ),
        deployments: t.deployments.count,
        leadMedian: formatDuration(t.leadTime.medianSeconds),
        leadP90: formatDuration(t.leadTime.p90Seconds),
        rate: (
          <>
            {formatRate(t.changeFailure.rate)}
            <div className="muted small">
              {t.changeFailure.failures} of {t.changeFailure.attempts}
            </div>
          </>
        ),
        recovery: formatDuration(t.recovery.medianSeconds),
      },
    };
  });
  // The chart: each repository's last environment (its production, in promotion order).
  const last = rows.filter(
    (m) => infos.find((i) => i.repo === m.repo)?.environments.at(-1)?.name === m.environment,
  );
  const series = last.map((m) => `${m.repo} ${m.environment}`);
  const points: AllReposPoint[] = (last[0]?.buckets ?? []).map((b, i) => ({
    label: bucketDate(b.start, timeZone),
    counts: Object.fromEntries(last.map((m, k) => [series[k]!, m.buckets[i]?.deployments.count ?? 0])),
    hrefs: Object.fromEntries(
      last.map((m, k) => [
        series[k]!,
        `${metricsHref(m.repo, metricsQuery(keep, { env: m.environment, sel: bucketDate(b.start, timeZone) }))}#releases`,
      ]),
    ),
  }));
  const any = rows.some((m) => m.total.changeFailure.attempts > 0);

  return (
    <>
      <Breadcrumbs trail={[{ label: "Metrics", kind: "page" }]} />
      <div className="page__intro">
        <h1 data-testid="metrics-title">Delivery metrics, all repositories</h1>
        <p>
          Per repository and environment, from {period.fromDay} to {period.toDay} (whole days in UTC), per
          calendar {q.bucket} in {timeZone}. Open an environment for its charts and the releases behind each
          number.
        </p>
      </div>
      <PeriodForm
        basePath={allMetricsHref()}
        fromDay={period.fromDay}
        toDay={period.toDay}
        bucket={q.bucket}
        fixWindow={fixWindow}
        timeZone={timeZone}
      />
      {invalid ? (
        <div className="empty" data-testid="invalid-state" role="alert">
          <h2>Cannot compute these metrics</h2>
          <p>{invalid}</p>
          <p>
            <Link href={allMetricsHref()}>Show the default period</Link>
          </p>
        </div>
      ) : rows.length === 0 || !any ? (
        <div className="empty" data-testid="empty-state">
          <h2>{rows.length === 0 ? "No environments yet" : "No events in this period"}</h2>
          <p>
            {rows.length === 0 ? (
              <>
                Import a clone (<code>npx lineage import-git</code>) or sync GitHub (
                <code>npx lineage sync</code>) first.
              </>
            ) : (
              <Link href={allMetricsHref()}>Show the 12 weeks up to the latest event</Link>
            )}
          </p>
        </div>
      ) : (
        <>
          <section className="card metrics-chart" aria-label="Deployment frequency">
            <h2 className="card__title">Deployment frequency of each repository&apos;s last environment</h2>
            <p className="muted small">{METRIC_DEFINITIONS.deploymentFrequency}</p>
            <AllReposChart series={series} points={points} />
            <p className="muted small">Click a bar to list that bucket&apos;s releases.</p>
          </section>
          <DataTable
            label="Delivery metrics per repository and environment"
            testId="all-metrics-table"
            columns={COLUMNS}
            rows={tableRows}
          />
          <ul className="muted small">
            <li>Lead time: {METRIC_DEFINITIONS.leadTime}</li>
            <li>Change failure rate: {METRIC_DEFINITIONS.changeFailureRate}</li>
            <li>Recovery time: {METRIC_DEFINITIONS.recoveryTime}</li>
          </ul>
        </>
      )}
    </>
  );
}
