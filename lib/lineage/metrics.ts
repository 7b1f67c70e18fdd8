import type { Db } from "../db/client";
import { AppError } from "../errors";
import { type EventStatusKind, eventStatusKind } from "./event-status";
import { getCommitGraph } from "./graph-cache";
import { getRepositoryOrThrow } from "./repositories";

// Delivery metrics (DORA's four keys) computed from the stored promotion events of one
// environment. Definitions, as each chart states them:
//
// - A *deployment* is a counted event (a matching tag, a first-parent commit of the branch, a
//   deployment that succeeded), the environment's first (baseline) event and rollbacks included.
// - A *failed deployment* is an uncounted event whose latest GitHub deployment status is
//   FAILURE or ERROR; it happened at the deployment's creation time (the event's `at`).
// - A deployment is *rolled back* when the environment's next counted event is a rollback:
//   it removes commits whose change it no longer has in any form (dropped ≠ ∅; any removal
//   when the superseded/dropped split is unknown), and *fixed forward* when it is not rolled back and the next
//   counted event comes within `fixWindowMinutes` of it (at most that many minutes later).
// - Lead time of a commit: from its committer date to the time of the first counted event that
//   contained it (`env_reach.first_event_id`), for commits first reached by a non-baseline event
//   in the period (the baseline's commits predate the stored history, so their lead time is
//   unknown). Committer date, not author date: a rebase or cherry-pick re-dates the committer.
// - Recovery time of a failure (failed deployment, rolled-back or fixed-forward deployment): from
//   the failure's time to the next counted event after it (in the environment's event order).
//
// Buckets are calendar weeks (Monday 00:00) or months in `timeZone` (default UTC); an event
// belongs to the bucket its time falls in, and only events at or after `from` and before `to`
// are counted (a first or last bucket may be partial). Percentiles interpolate linearly between
// the closest ranks, as PostgreSQL's percentile_cont does.

export type MetricsBucketUnit = "week" | "month";

export const DEFAULT_FIX_WINDOW_MINUTES = 60;
/** The default period: the 90 days before `to`. */
export const DEFAULT_PERIOD_DAYS = 90;
/** At most this many days in a period (about ten years: 523 weekly buckets). */
export const MAX_PERIOD_DAYS = 3660;
export const MAX_FIX_WINDOW_MINUTES = 10_080;

export const METRIC_DEFINITIONS = {
  deploymentFrequency:
    "Deployments per bucket: counted promotion events (matching tags, first-parent branch commits, deployments that succeeded), the first stored event and rollbacks included.",
  leadTime:
    "For each commit first reached by a deployment in the bucket: the deployment's time minus the commit's committer date (commits of the environment's first stored event are excluded); median and 90th percentile.",
  changeFailureRate:
    "Failures ÷ (deployments + failed deployments), where a failure is a failed deployment (latest GitHub status FAILURE or ERROR), a deployment whose next counted event drops commits it contained (rolled back; commits cherry-picked into that event under another SHA are superseded, not dropped), or one whose next counted event comes within the fix-forward window (fixed forward).",
  recoveryTime:
    "For each failure in the bucket: the time from the failed deployment (or the failed release) to the next counted event of the environment; median.",
} as const;

const DAY_MS = 86_400_000;

/** One row of the events the metrics were computed from. */
export interface MetricsEvent {
  seq: number;
  at: string;
  ref: string;
  sha: string;
  status: EventStatusKind;
  /** Why the event counts as a failure, if it does. */
  failure: "failed" | "rolled-back" | "fixed-forward" | null;
  /** The counted event that ended the failure; null when none followed yet. */
  recoveredBy: number | null;
  recoverySeconds: number | null;
}

export interface LeadTimeStats {
  /** Commits first reached in the bucket (by a non-baseline deployment). */
  commits: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** The deployments that first reached those commits. */
  seqs: number[];
}

export interface ChangeFailureStats {
  /** Deployments + failed deployments: the rate's denominator. */
  attempts: number;
  failed: { count: number; seqs: number[] };
  rolledBack: { count: number; seqs: number[] };
  fixedForward: { count: number; seqs: number[] };
  /** failed + rolled back + fixed forward. */
  failures: number;
  /** failures ÷ attempts; null when there were no attempts. */
  rate: number | null;
}

export interface RecoveryStats {
  /** Failures that were followed by a counted event. */
  recovered: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  /** The failures (their seqs) recovered from. */
  seqs: number[];
  /** Failures with no counted event after them yet. */
  unrecovered: number[];
}

export interface MetricsBucket {
  /** Start of the calendar bucket (inclusive) and its end (exclusive), as UTC instants. */
  start: string;
  end: string;
  deployments: { count: number; seqs: number[] };
  leadTime: LeadTimeStats;
  changeFailure: ChangeFailureStats;
  recovery: RecoveryStats;
}

export interface LeadTimeBin {
  label: string;
  /** Lower bound in seconds (inclusive); null for the first bin (which holds negative clock skew too). */
  minSeconds: number | null;
  /** Upper bound in seconds (exclusive); null for the last bin. */
  maxSeconds: number | null;
  commits: number;
  /** The deployments that first reached those commits. */
  seqs: number[];
}

export interface EnvironmentMetrics {
  repo: string;
  environment: string;
  from: string;
  to: string;
  bucket: MetricsBucketUnit;
  timeZone: string;
  fixWindowMinutes: number;
  definitions: typeof METRIC_DEFINITIONS;
  buckets: MetricsBucket[];
  /** The whole period as one bucket. */
  total: Omit<MetricsBucket, "start" | "end">;
  /** Lead times of the whole period, binned. */
  leadTimeHistogram: LeadTimeBin[];
  /** The events behind the numbers: deployments and failures in the period, and the events that ended them. */
  events: MetricsEvent[];
}

export interface MetricsOptions {
  repo: string;
  /** Default: the last environment in promotion order. */
  environment?: string;
  /** Inclusive. Default: `DEFAULT_PERIOD_DAYS` before `to`. */
  from?: Date;
  /** Exclusive. Default: now. */
  to?: Date;
  bucket?: MetricsBucketUnit;
  /** IANA time zone the buckets are calendar weeks/months of. Default UTC. */
  timeZone?: string;
  fixWindowMinutes?: number;
  /** For tests: what "now" is. */
  now?: Date;
}

const HOUR = 3600;
const HISTOGRAM_EDGES = [
  HOUR,
  4 * HOUR,
  24 * HOUR,
  72 * HOUR,
  168 * HOUR,
  336 * HOUR,
  720 * HOUR,
  2160 * HOUR,
];
const HISTOGRAM_LABELS = [
  "< 1 h",
  "1–4 h",
  "4 h–1 d",
  "1–3 d",
  "3–7 d",
  "1–2 w",
  "2 w–30 d",
  "30–90 d",
  "≥ 90 d",
];

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** An IANA zone name both Intl and PostgreSQL know, or INVALID_ARGUMENT. */
export function checkTimeZone(timeZone: string): string {
  // Offsets ("+05:00") are refused: PostgreSQL reads them as POSIX zones, sign inverted.
  const bad = () =>
    new AppError(
      "INVALID_ARGUMENT",
      `unknown time zone "${timeZone}" (use an IANA name such as Europe/Berlin)`,
    );
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(timeZone)) throw bad();
  try {
    return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw bad();
  }
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A period bound as the CLI and the API take it: an ISO 8601 date (midnight UTC) or a date-time
 * with Z or an offset; null when it is neither.
 */
export function parseMetricsTime(text: string): Date | null {
  if (!ISO_DATE.test(text) && !ISO_DATE_TIME.test(text)) return null;
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) return null;
  // new Date() rolls 2025-02-30 over to March: refuse a date that is not on the calendar.
  if (!text.startsWith(at.toISOString().slice(0, 10)) && ISO_DATE.test(text)) return null;
  return at;
}

/** Resolves the period defaults and checks it: from before to, at most MAX_PERIOD_DAYS long. */
export function resolvePeriod(opts: { from?: Date; to?: Date; now?: Date }): { from: Date; to: Date } {
  const to = opts.to ?? opts.now ?? new Date();
  const from = opts.from ?? new Date(to.getTime() - DEFAULT_PERIOD_DAYS * DAY_MS);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
    throw new AppError("INVALID_ARGUMENT", "from and to must be valid times");
  if (from >= to) throw new AppError("INVALID_ARGUMENT", "from must be before to");
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS)
    throw new AppError("INVALID_ARGUMENT", `the period is longer than ${MAX_PERIOD_DAYS} days`);
  return { from, to };
}

const emptyBucket = (): Omit<MetricsBucket, "start" | "end"> => ({
  deployments: { count: 0, seqs: [] },
  leadTime: { commits: 0, medianSeconds: null, p90Seconds: null, seqs: [] },
  changeFailure: {
    attempts: 0,
    failed: { count: 0, seqs: [] },
    rolledBack: { count: 0, seqs: [] },
    fixedForward: { count: 0, seqs: [] },
    failures: 0,
    rate: null,
  },
  recovery: { recovered: 0, medianSeconds: null, p90Seconds: null, seqs: [], unrecovered: [] },
});

interface StoredEvent {
  seq: number;
  at: Date;
  ref: string;
  sha: string;
  counted: boolean;
  status: string | null;
  isBaseline: boolean;
  removedCount: number;
  /** Removed commits whose change the release still has (same patch-id); null when unknown. */
  supersededCount: number | null;
}

/** The one rollback rule (events-query's ROLLBACK_SQL): a change dropped in every form. */
function isRollback(event: StoredEvent): boolean {
  return event.removedCount - (event.supersededCount ?? 0) > 0;
}

interface Classified {
  event: StoredEvent;
  kind: EventStatusKind;
  failure: MetricsEvent["failure"];
  /** The next counted event after it, if any. */
  next: StoredEvent | null;
}

/** Classifies every event against the next counted event after it (in seq order). */
function classify(events: readonly StoredEvent[], fixWindowMs: number): Classified[] {
  const out: Classified[] = new Array(events.length);
  let next: StoredEvent | null = null;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    const kind = eventStatusKind({
      counted: event.counted,
      baseline: event.isBaseline,
      rollback: isRollback(event),
      status: event.status,
    });
    let failure: MetricsEvent["failure"] = null;
    if (kind === "failed") failure = "failed";
    else if (event.counted && next) {
      if (isRollback(next)) failure = "rolled-back";
      else if (next.at.getTime() - event.at.getTime() <= fixWindowMs) failure = "fixed-forward";
    }
    out[i] = { event, kind, failure, next };
    if (event.counted) next = event;
  }
  return out;
}

/**
 * DORA's four keys for one environment of a repository over [from, to), per calendar week or
 * month: deployment frequency, lead time for changes, change failure rate and failed
 * deployment recovery time, each with the event seqs behind it (see the definitions above).
 */
export async function computeEnvironmentMetrics(
  db: Pick<Db, "pool" | "getPrisma">,
  opts: MetricsOptions,
): Promise<EnvironmentMetrics> {
  const bucket = opts.bucket ?? "week";
  if (bucket !== "week" && bucket !== "month")
    throw new AppError("INVALID_ARGUMENT", `bucket must be week or month, not "${bucket}"`);
  const timeZone = checkTimeZone(opts.timeZone ?? "UTC");
  const fixWindowMinutes = opts.fixWindowMinutes ?? DEFAULT_FIX_WINDOW_MINUTES;
  if (
    !Number.isInteger(fixWindowMinutes) ||
    fixWindowMinutes < 0 ||
    fixWindowMinutes > MAX_FIX_WINDOW_MINUTES
  )
    throw new AppError(
      "INVALID_ARGUMENT",
      `the fix-forward window must be a whole number of minutes from 0 to ${MAX_FIX_WINDOW_MINUTES}`,
    );
  const { from, to } = resolvePeriod(opts);

  const repository = await getRepositoryOrThrow(db, opts.repo);
  const prisma = await db.getPrisma();
  const envs = await prisma.environment.findMany({
    where: { repoId: repository.id },
    orderBy: { position: "asc" },
    select: { id: true, name: true },
  });
  const env =
    opts.environment === undefined ? envs[envs.length - 1] : envs.find((e) => e.name === opts.environment);
  if (!env)
    throw new AppError(
      "NOT_FOUND",
      opts.environment === undefined
        ? `${repository.fullName} has no environments`
        : `${repository.fullName} has no environment "${opts.environment}" (its environments: ${envs.map((e) => e.name).join(", ") || "none"})`,
    );

  // The calendar buckets in the zone, as UTC instants.
  let bounds: Date[];
  try {
    const { rows } = await db.pool.query<{ start: Date }>(
      `SELECT (g AT TIME ZONE $4) AS start
       FROM generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE $4),
                            ($2::timestamptz AT TIME ZONE $4) + ('1 ' || $3)::interval, ('1 ' || $3)::interval) g`,
      [from, to, bucket, timeZone],
    );
    bounds = rows.map((r) => r.start);
  } catch (err) {
    if ((err as { code?: string }).code === "22023")
      throw new AppError("INVALID_ARGUMENT", `unknown time zone "${timeZone}"`);
    throw err;
  }
  // Keep only the bounds needed: the last bucket's end is the first bound at or after `to`.
  const lastEnd = bounds.findIndex((b) => b >= to);
  bounds = bounds.slice(0, lastEnd + 1);
  const bucketOf = (at: Date): number => {
    let lo = 0;
    let hi = bounds.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (bounds[mid]! <= at) lo = mid;
      else hi = mid;
    }
    return lo;
  };

  // The events from the first to the last of the period in the environment's order (branch
  // events keep the chain's order, so a few between may lie outside the period), and the
  // counted event after them, which decides whether the last was rolled back or fixed forward.
  const select = {
    id: true,
    seq: true,
    at: true,
    ref: true,
    sha: true,
    counted: true,
    status: true,
    isBaseline: true,
    removedCount: true,
    supersededCount: true,
  } as const;
  const range = await prisma.promotionEvent.aggregate({
    where: { envId: env.id, at: { gte: from, lt: to } },
    _min: { seq: true },
    _max: { seq: true },
  });
  const first = range._min.seq;
  const last = range._max.seq;
  const stored =
    first === null || last === null
      ? []
      : await Promise.all([
          prisma.promotionEvent.findMany({
            where: { envId: env.id, seq: { gte: first, lte: last } },
            orderBy: { seq: "asc" },
            select,
          }),
          prisma.promotionEvent.findFirst({
            where: { envId: env.id, seq: { gt: last }, counted: true },
            orderBy: { seq: "asc" },
            select,
          }),
        ]).then(([inRange, next]) => (next ? [...inRange, next] : inRange));
  // Set logic: every commit whose first reach (env_reach) is a non-baseline deployment of the
  // period. The events are passed as a constant array, so env_reach is read in one pass of its
  // environment with a hashed `= ANY` (a join on first_event_id, which has no index, was
  // planned as one pass per event: 12 s for a year of the benchmark's prod). Committer dates
  // come from the process's commit graph (the `commit` rows, loaded once), not from a join
  // with `commit`, which cost more than the rest of the page at 80,000 commits.
  const reaching = stored.filter((e) => e.counted && !e.isBaseline && e.at >= from && e.at < to);
  const byId = new Map(reaching.map((e) => [e.id, e]));
  const [graph, reached] =
    reaching.length === 0
      ? [null, { rows: [] as { c: number; e: number }[] }]
      : await Promise.all([
          getCommitGraph(db, repository),
          db.pool.query<{ c: number; e: number }>({
            text: "SELECT commit_idx AS c, first_event_id AS e FROM env_reach WHERE env_id = $1 AND first_event_id = ANY($2::int[])",
            values: [env.id, reaching.map((e) => e.id)],
          }),
        ]);

  const empty = () => emptyBucket();
  const buckets: MetricsBucket[] = [];
  for (let i = 0; i + 1 < bounds.length; i++)
    buckets.push({ start: bounds[i]!.toISOString(), end: bounds[i + 1]!.toISOString(), ...empty() });
  const total = empty();

  const inPeriod = (at: Date) => at >= from && at < to;
  const classified = classify(stored, fixWindowMinutes * 60_000);
  const bySeq = new Map(classified.map((c) => [c.event.seq, c]));
  const referenced = new Map<number, MetricsEvent>();
  const recoveryTimes = new Map<object, number[]>();
  const reference = (c: Classified, recoverySeconds: number | null) => {
    referenced.set(c.event.seq, {
      seq: c.event.seq,
      at: c.event.at.toISOString(),
      ref: c.event.ref,
      sha: c.event.sha,
      status: c.kind,
      failure: c.failure,
      recoveredBy: c.failure && c.next ? c.next.seq : null,
      recoverySeconds,
    });
  };
  for (const c of classified) {
    if (!inPeriod(c.event.at)) continue;
    if (!c.event.counted && c.kind !== "failed") continue;
    const targets = [buckets[bucketOf(c.event.at)]!, total];
    const recoverySeconds = c.failure && c.next ? (c.next.at.getTime() - c.event.at.getTime()) / 1000 : null;
    reference(c, recoverySeconds);
    if (c.failure && c.next && !referenced.has(c.next.seq)) {
      const n = bySeq.get(c.next.seq)!;
      reference(n, n.failure && n.next ? (n.next.at.getTime() - n.event.at.getTime()) / 1000 : null);
    }
    for (const t of targets) {
      const cf = t.changeFailure;
      cf.attempts++;
      if (c.event.counted) {
        t.deployments.count++;
        t.deployments.seqs.push(c.event.seq);
      }
      if (c.failure === "failed") {
        cf.failed.count++;
        cf.failed.seqs.push(c.event.seq);
      } else if (c.failure === "rolled-back") {
        cf.rolledBack.count++;
        cf.rolledBack.seqs.push(c.event.seq);
      } else if (c.failure === "fixed-forward") {
        cf.fixedForward.count++;
        cf.fixedForward.seqs.push(c.event.seq);
      }
      if (c.failure) {
        cf.failures++;
        if (recoverySeconds === null) t.recovery.unrecovered.push(c.event.seq);
        else {
          t.recovery.recovered++;
          t.recovery.seqs.push(c.event.seq);
          const times = recoveryTimes.get(t) ?? [];
          times.push(recoverySeconds);
          recoveryTimes.set(t, times);
        }
      }
    }
  }
  for (const t of [...buckets, total]) {
    const cf = t.changeFailure;
    cf.rate = cf.attempts === 0 ? null : cf.failures / cf.attempts;
    const times = (recoveryTimes.get(t) ?? []).sort((a, b) => a - b);
    t.recovery.medianSeconds = percentile(times, 0.5);
    t.recovery.p90Seconds = percentile(times, 0.9);
  }

  const histogram: LeadTimeBin[] = HISTOGRAM_LABELS.map((label, i) => ({
    label,
    minSeconds: i === 0 ? null : HISTOGRAM_EDGES[i - 1]!,
    maxSeconds: i === HISTOGRAM_EDGES.length ? null : HISTOGRAM_EDGES[i]!,
    commits: 0,
    seqs: [],
  }));
  // Lead times (seconds) per bucket, the period's, and each bin's events.
  const leadTimes: number[][] = buckets.map(() => []);
  const leadSeqs: Set<number>[] = buckets.map(() => new Set());
  const all: number[] = [];
  const allSeqs = new Set<number>();
  const binSeqs: Set<number>[] = histogram.map(() => new Set());
  for (const row of reached.rows) {
    const event = byId.get(row.e)!;
    const seconds = (event.at.getTime() - graph!.committedAt(row.c)) / 1000;
    const b = bucketOf(event.at);
    leadTimes[b]!.push(seconds);
    leadSeqs[b]!.add(event.seq);
    all.push(seconds);
    allSeqs.add(event.seq);
    let bin = 0;
    while (bin < HISTOGRAM_EDGES.length && seconds >= HISTOGRAM_EDGES[bin]!) bin++;
    histogram[bin]!.commits++;
    binSeqs[bin]!.add(event.seq);
  }
  const leadStats = (times: number[], seqs: Set<number>): LeadTimeStats => {
    times.sort((a, b) => a - b);
    return {
      commits: times.length,
      medianSeconds: percentile(times, 0.5),
      p90Seconds: percentile(times, 0.9),
      seqs: [...seqs].sort((a, b) => a - b),
    };
  };
  buckets.forEach((b, i) => {
    b.leadTime = leadStats(leadTimes[i]!, leadSeqs[i]!);
  });
  total.leadTime = leadStats(all, allSeqs);
  histogram.forEach((bin, i) => {
    bin.seqs = [...binSeqs[i]!].sort((a, b) => a - b);
  });

  return {
    repo: repository.fullName,
    environment: env.name,
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    timeZone,
    fixWindowMinutes,
    definitions: METRIC_DEFINITIONS,
    buckets,
    total,
    leadTimeHistogram: histogram,
    events: [...referenced.values()].sort((a, b) => a.seq - b.seq),
  };
}

/** The environments of a repository in promotion order, each with the time of its latest event. */
export async function findMetricsEnvironments(
  db: Pick<Db, "pool" | "getPrisma">,
  repo: string,
): Promise<{ repo: string; environments: { name: string; latestEventAt: string | null }[] }> {
  const repository = await getRepositoryOrThrow(db, repo);
  const prisma = await db.getPrisma();
  const envs = await prisma.environment.findMany({
    where: { repoId: repository.id },
    orderBy: { position: "asc" },
    select: { id: true, name: true },
  });
  const latest = await prisma.promotionEvent.groupBy({
    by: ["envId"],
    where: { envId: { in: envs.map((e) => e.id) } },
    _max: { at: true },
  });
  const latestOf = new Map(latest.map((l) => [l.envId, l._max.at]));
  return {
    repo: repository.fullName,
    environments: envs.map((e) => ({
      name: e.name,
      latestEventAt: latestOf.get(e.id)?.toISOString() ?? null,
    })),
  };
}
