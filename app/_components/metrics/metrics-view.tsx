import Link from "next/link";
import { DataTable, type DataTableColumn, type DataTableRow } from "@/app/_components/data-table";
import { eventHref } from "@/app/_components/hrefs";
import { ShortSha } from "@/app/_components/short-sha";
import { StatusBadge } from "@/app/_components/status-badge";
import { Time } from "@/app/_components/time";
import { bucketDate, formatDuration, formatRate } from "@/lib/lineage/duration";
import type { EnvironmentMetrics, MetricsEvent } from "@/lib/lineage/metrics";
import { type ChartBin, type ChartBucket, MetricsCharts } from "./metrics-charts";
import { metricsQuery, RELEASES_TABLE_PREFIX } from "./params";

const hoursOf = (s: number | null) => (s === null ? null : Math.round((s / 3600) * 100) / 100);

const BUCKET_COLUMNS: DataTableColumn[] = [
  { id: "start", header: "Bucket", sortable: true, hideable: false, className: "cell--nowrap" },
  { id: "deployments", header: "Deployments", sortable: true, align: "end" },
  { id: "commits", header: "Commits", sortable: true, align: "end" },
  { id: "leadMedian", header: "Lead time p50", sortable: true, align: "end" },
  { id: "leadP90", header: "Lead time p90", sortable: true, align: "end" },
  { id: "failures", header: "Failures", sortable: true, align: "end" },
  { id: "rate", header: "Failure rate", sortable: true, align: "end" },
  { id: "recovery", header: "Recovery p50", sortable: true, align: "end" },
  { id: "unrecovered", header: "Unrecovered", align: "end", hiddenByDefault: true },
];

const RELEASE_COLUMNS: DataTableColumn[] = [
  { id: "seq", header: "#", sortable: true, align: "end" },
  { id: "ref", header: "Release", sortable: true, hideable: false, className: "cell--wrap" },
  { id: "at", header: "When", sortable: true, className: "cell--nowrap" },
  { id: "sha", header: "Commit" },
  { id: "status", header: "Status" },
  { id: "counts", header: "Counts in", className: "cell--wrap" },
  { id: "recovery", header: "Recovered by", className: "cell--wrap" },
];

const FAILURE_LABEL: Record<NonNullable<MetricsEvent["failure"]>, string> = {
  failed: "failed deployment",
  "rolled-back": "rolled back",
  "fixed-forward": "fixed forward",
};

/** The query a metrics link keeps: everything but the selection and the tables' state. */
export type MetricsLinkQuery = Record<string, string | number | null | undefined>;

/**
 * One environment's metrics: totals, the charts, the table of buckets (the keyboard way to a
 * bucket's releases) and the releases of the selected bucket or lead-time bin.
 */
export function MetricsView({
  metrics,
  linkQuery,
  basePath,
  selected,
  selectedBin,
}: {
  metrics: EnvironmentMetrics;
  linkQuery: MetricsLinkQuery;
  basePath: string;
  /** The first day of the selected bucket (as in `sel`). */
  selected: string | null;
  selectedBin: number | null;
}) {
  const { timeZone } = metrics;
  const label = (start: string) => bucketDate(start, timeZone);
  const selectHref = (changes: MetricsLinkQuery) =>
    `${basePath}${metricsQuery(linkQuery, { sel: null, bin: null, ...changes })}#releases`;
  const total = metrics.total;
  const weeks = (Date.parse(metrics.to) - Date.parse(metrics.from)) / (7 * 86_400_000);

  const chartBuckets: ChartBucket[] = metrics.buckets.map((b) => ({
    label: label(b.start),
    deployments: b.deployments.count,
    leadMedianH: hoursOf(b.leadTime.medianSeconds),
    leadP90H: hoursOf(b.leadTime.p90Seconds),
    leadCommits: b.leadTime.commits,
    failurePct: b.changeFailure.rate === null ? null : Math.round(b.changeFailure.rate * 1000) / 10,
    failures: b.changeFailure.failures,
    attempts: b.changeFailure.attempts,
    recoveryMedianH: hoursOf(b.recovery.medianSeconds),
    recovered: b.recovery.recovered,
    href: selectHref({ sel: label(b.start) }),
    selected: selected === label(b.start),
  }));
  const bins: ChartBin[] = metrics.leadTimeHistogram.map((b, i) => ({
    label: b.label,
    commits: b.commits,
    href: selectHref({ bin: i }),
    selected: selectedBin === i,
  }));

  const bucketRows: DataTableRow[] = metrics.buckets.map((b) => {
    const day = label(b.start);
    return {
      id: day,
      testId: "bucket-row",
      values: {
        start: b.start,
        deployments: b.deployments.count,
        commits: b.leadTime.commits,
        leadMedian: b.leadTime.medianSeconds,
        leadP90: b.leadTime.p90Seconds,
        failures: b.changeFailure.failures,
        rate: b.changeFailure.rate,
        recovery: b.recovery.medianSeconds,
      },
      cells: {
        start: (
          <Link
            href={selectHref({ sel: day })}
            scroll={false}
            data-testid="bucket-link"
            aria-current={selected === day}
          >
            {metrics.bucket === "week" ? `Week of ${day}` : day.slice(0, 7)}
          </Link>
        ),
        deployments: b.deployments.count,
        commits: b.leadTime.commits,
        leadMedian: formatDuration(b.leadTime.medianSeconds),
        leadP90: formatDuration(b.leadTime.p90Seconds),
        failures: `${b.changeFailure.failures} of ${b.changeFailure.attempts}`,
        rate: formatRate(b.changeFailure.rate),
        recovery: formatDuration(b.recovery.medianSeconds),
        unrecovered: b.recovery.unrecovered.length,
      },
    };
  });

  // The releases of the selection, with what each counts in.
  const bucket = selected ? metrics.buckets.find((b) => label(b.start) === selected) : undefined;
  const bin = selectedBin !== null ? metrics.leadTimeHistogram[selectedBin] : undefined;
  const roles = new Map<number, Set<string>>();
  const add = (seqs: number[], role: string) => {
    for (const seq of seqs) {
      const set = roles.get(seq) ?? new Set<string>();
      set.add(role);
      roles.set(seq, set);
    }
  };
  if (bucket) {
    add(bucket.deployments.seqs, "deployment");
    add(bucket.leadTime.seqs, "lead time");
    add(bucket.changeFailure.failed.seqs, "failed deployment");
    add(bucket.changeFailure.rolledBack.seqs, "rolled back");
    add(bucket.changeFailure.fixedForward.seqs, "fixed forward");
    add(bucket.recovery.unrecovered, "not recovered");
  } else if (bin) add(bin.seqs, "lead time");
  const events = new Map(metrics.events.map((e) => [e.seq, e]));
  const releaseRows: DataTableRow[] = [...roles.keys()]
    .sort((a, b) => a - b)
    .flatMap((seq) => {
      const e = events.get(seq);
      if (!e) return [];
      return [
        {
          id: String(seq),
          testId: "release-row",
          values: { seq, ref: e.ref, at: e.at },
          cells: {
            seq: `#${seq}`,
            ref: (
              <Link
                href={eventHref(metrics.repo, metrics.environment, seq)}
                className="ref"
                data-testid="release-link"
              >
                {e.ref}
              </Link>
            ),
            at: <Time iso={e.at} mode="datetime" />,
            sha: <ShortSha sha={e.sha} copy={false} />,
            status: (
              <span className="status-cell">
                <StatusBadge status={e.status} />
                {e.failure ? <span className="muted small">{FAILURE_LABEL[e.failure]}</span> : null}
              </span>
            ),
            counts: [...roles.get(seq)!].join(", "),
            recovery:
              e.recoveredBy !== null ? (
                <>
                  <Link href={eventHref(metrics.repo, metrics.environment, e.recoveredBy)}>
                    #{e.recoveredBy} {events.get(e.recoveredBy)?.ref ?? ""}
                  </Link>{" "}
                  <span className="muted small">after {formatDuration(e.recoverySeconds)}</span>
                </>
              ) : e.failure ? (
                <span className="muted">not yet</span>
              ) : null,
          },
        },
      ];
    });
  const selectionTitle = bucket
    ? `Releases of the ${metrics.bucket} of ${metrics.bucket === "week" ? selected : selected?.slice(0, 7)}`
    : bin
      ? `Releases that first reached commits with a lead time of ${bin.label}`
      : null;

  return (
    <>
      <div className="stat-row" data-testid="metrics-totals">
        <div className="stat">
          <span className="muted small">Deployments</span>
          <span className="stat__number" data-testid="total-deployments">
            {total.deployments.count.toLocaleString("en")}
          </span>
          <span className="muted small">{(total.deployments.count / weeks).toFixed(1)} a week</span>
        </div>
        <div className="stat">
          <span className="muted small">Lead time (median)</span>
          <span className="stat__number">{formatDuration(total.leadTime.medianSeconds)}</span>
          <span className="muted small">
            p90 {formatDuration(total.leadTime.p90Seconds)}, {total.leadTime.commits.toLocaleString("en")}{" "}
            commits
          </span>
        </div>
        <div className="stat">
          <span className="muted small">Change failure rate</span>
          <span className="stat__number" data-testid="total-failure-rate">
            {formatRate(total.changeFailure.rate)}
          </span>
          <span className="muted small">
            {total.changeFailure.failures} of {total.changeFailure.attempts}:{" "}
            {total.changeFailure.failed.count} failed, {total.changeFailure.rolledBack.count} rolled back,{" "}
            {total.changeFailure.fixedForward.count} fixed forward
          </span>
        </div>
        <div className="stat">
          <span className="muted small">Recovery time (median)</span>
          <span className="stat__number">{formatDuration(total.recovery.medianSeconds)}</span>
          <span className="muted small">
            {total.recovery.recovered} recovered, {total.recovery.unrecovered.length} not yet
          </span>
        </div>
      </div>

      <MetricsCharts buckets={chartBuckets} bins={bins} definitions={metrics.definitions} />

      <section id="releases" className="metrics-releases" aria-label="Releases of the selection">
        <h2>{selectionTitle ?? "Releases behind a bucket"}</h2>
        {selectionTitle ? (
          <DataTable
            label={selectionTitle}
            testId="releases-table"
            columns={RELEASE_COLUMNS}
            rows={releaseRows}
            urlPrefix={RELEASES_TABLE_PREFIX}
            defaultSort="seq.asc"
            empty={
              <div className="empty" data-testid="releases-empty">
                <p>No releases in this {bucket ? metrics.bucket : "bin"}.</p>
              </div>
            }
          />
        ) : (
          <p className="muted" data-testid="releases-hint">
            Click a bar or point of a chart, or a bucket in the table below, to list the releases behind it.
          </p>
        )}
      </section>

      <h2>Buckets</h2>
      <DataTable
        label={`${metrics.environment} metrics per ${metrics.bucket}`}
        testId="buckets-table"
        columns={BUCKET_COLUMNS}
        rows={bucketRows}
        defaultSort="start.asc"
      />
    </>
  );
}
