import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config/load-config";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { commitAt, initRepo, tagAt } from "../git/testing/git";
import { computeEnvironmentMetrics, findMetricsEnvironments, percentile } from "./metrics";

vi.mock("server-only", () => ({}));

// A planted history, every number below worked out by hand.
// T0 = Monday 2026-01-05 00:00 UTC; weekly buckets W1 [T0, +7d), W2, W3.
//
// main: c0 (T0−2d) c1 (T0+1h) c2 (T0+2h) c3 (T0+4h) c4 (T0+7d+1h) c5 (T0+7d+3h) c6 (T0+14d+1h)
// prod tags (tagger date = event time), seqs multiplied by 10 after the import so that GitHub
// deployment failures can be slotted in between:
//   10 v1 → c0  T0+30m       baseline
//   20 v2 → c2  T0+4h        adds c1 (lead 3h), c2 (2h); v3 follows 30 min later: fixed forward
//   30 v3 → c3  T0+4h30m     adds c3 (30 min)
//   40 v4 → c5  T0+7d+5h     adds c4 (4h), c5 (2h); v5 removes them: rolled back, recovered in 1 h
//   50 v5 → c3  T0+7d+6h     rollback (removes c4, c5)
//   55 failed deployment (FAILURE) T0+10d; recovered by v6 after 4d3h = 356,400 s
//   60 v6 → c6  T0+14d+3h    adds c6 (2h); c4 and c5 were first reached by v4, so not again
//   65 failed deployment (ERROR) T0+15d, not recovered
//   66 deployment still PENDING at T0+15d+1h: neither a deployment nor a failure
const T0 = 1_767_571_200;
const H = 3600;
const D = 86_400;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-metrics-"));
  initRepo(dir);
  const c = [
    commitAt(dir, "c0", T0 - 2 * D),
    commitAt(dir, "c1", T0 + H),
    commitAt(dir, "c2", T0 + 2 * H),
    commitAt(dir, "c3", T0 + 4 * H),
    commitAt(dir, "c4 <script>alert(1)</script>", T0 + 7 * D + H),
    commitAt(dir, "c5", T0 + 7 * D + 3 * H),
    commitAt(dir, "c6", T0 + 14 * D + H),
  ];
  tagAt(dir, "v1", c[0]!, T0 + 1800);
  tagAt(dir, "v2", c[2]!, T0 + 4 * H);
  tagAt(dir, "v3", c[3]!, T0 + 4 * H + 1800);
  tagAt(dir, "v4", c[5]!, T0 + 7 * D + 5 * H);
  tagAt(dir, "v5", c[3]!, T0 + 7 * D + 6 * H);
  tagAt(dir, "v6", c[6]!, T0 + 14 * D + 3 * H);
  const config = parseConfig(
    JSON.stringify({
      repositories: [
        {
          repo: "acme/metrics",
          environments: [
            { name: "staging", source: { branch: "nothing-here" } },
            { name: "prod", source: { tags: "v*" } },
          ],
        },
      ],
    }),
    "lineage.config.json",
  );
  await importGit(db, { clonePath: dir, repoConfig: config.repositories[0]! });
  const { rows } = await db.pool.query<{ id: number; seqs: number[] }>(
    "SELECT env.id, array_agg(e.seq ORDER BY e.seq) AS seqs FROM environment env JOIN promotion_event e ON e.env_id = env.id WHERE env.name = 'prod' GROUP BY env.id",
  );
  expect(rows[0]!.seqs).toEqual([0, 1, 2, 3, 4, 5]);
  const envId = rows[0]!.id;
  await db.pool.query("UPDATE promotion_event SET seq = (seq + 1) * 10 WHERE env_id = $1", [envId]);
  // GitHub deployments of c6 that did not go live, as sync stores them (uncounted, latest status).
  for (const [seq, at, status] of [
    [55, T0 + 10 * D, "FAILURE"],
    [65, T0 + 15 * D, "ERROR"],
    [66, T0 + 15 * D + H, "PENDING"],
  ] as const) {
    await db.pool.query(
      `INSERT INTO promotion_event (env_id, seq, commit_idx, sha, at, actor, source, ref, counted, status,
         is_baseline, added_count, removed_count, added_commits, removed_commits)
       VALUES ($1, $2, 6, $3, to_timestamp($4), 'deployer', 'deployments', 'prod', false, $5, false, 0, 0, '{}', '{}')`,
      [envId, seq, c[6], at, status],
    );
  }
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const iso = (s: number) => new Date(s * 1000).toISOString();
const weeks = (extra: Partial<Parameters<typeof computeEnvironmentMetrics>[1]> = {}) =>
  computeEnvironmentMetrics(db, {
    repo: "acme/metrics",
    environment: "prod",
    from: new Date(T0 * 1000),
    to: new Date((T0 + 21 * D) * 1000),
    ...extra,
  });

describe("percentile", () => {
  it("interpolates between the closest ranks, as percentile_cont", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([1800, 7200, 10800], 0.9)).toBe(10080);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});

describe("computeEnvironmentMetrics on the planted history", () => {
  it("buckets weeks in UTC and counts deployments per bucket", async () => {
    const m = await weeks();
    expect(m.bucket).toBe("week");
    expect(m.timeZone).toBe("UTC");
    expect(m.fixWindowMinutes).toBe(60);
    expect(m.buckets.map((b) => [b.start, b.end])).toEqual([
      [iso(T0), iso(T0 + 7 * D)],
      [iso(T0 + 7 * D), iso(T0 + 14 * D)],
      [iso(T0 + 14 * D), iso(T0 + 21 * D)],
    ]);
    expect(m.buckets.map((b) => b.deployments)).toEqual([
      { count: 3, seqs: [10, 20, 30] },
      { count: 2, seqs: [40, 50] },
      { count: 1, seqs: [60] },
    ]);
    expect(m.total.deployments.count).toBe(6);
  });

  it("lead time: committer date to first reach, baseline excluded, median and p90 per bucket", async () => {
    const m = await weeks();
    expect(m.buckets.map((b) => b.leadTime)).toEqual([
      // [1800, 7200, 10800]: p90 at rank 1.8 = 7200 + 0.8 × 3600
      { commits: 3, medianSeconds: 7200, p90Seconds: 10080, seqs: [20, 30] },
      // [7200, 14400]: median 10800, p90 = 7200 + 0.9 × 7200
      { commits: 2, medianSeconds: 10800, p90Seconds: 13680, seqs: [40] },
      // c6 only: v6 re-adds c4 and c5 after the rollback, but v4 reached them first
      { commits: 1, medianSeconds: 7200, p90Seconds: 7200, seqs: [60] },
    ]);
    // [1800, 7200, 7200, 7200, 10800, 14400]: median rank 2.5, p90 rank 4.5
    expect(m.total.leadTime).toEqual({
      commits: 6,
      medianSeconds: 7200,
      p90Seconds: 12600,
      seqs: [20, 30, 40, 60],
    });
    expect(m.leadTimeHistogram.map((b) => [b.label, b.commits])).toEqual([
      ["< 1 h", 1],
      ["1–4 h", 4],
      ["4 h–1 d", 1],
      ["1–3 d", 0],
      ["3–7 d", 0],
      ["1–2 w", 0],
      ["2 w–30 d", 0],
      ["30–90 d", 0],
      ["≥ 90 d", 0],
    ]);
    expect(m.leadTimeHistogram[1]).toMatchObject({ minSeconds: 3600, maxSeconds: 14400, seqs: [20, 40, 60] });
    expect(m.leadTimeHistogram[0]!.seqs).toEqual([30]);
  });

  it("change failure rate: failed deployments, rollbacks and fix-forwards over attempts", async () => {
    const m = await weeks();
    const cf = m.buckets.map((b) => b.changeFailure);
    expect(cf[0]).toEqual({
      attempts: 3,
      failed: { count: 0, seqs: [] },
      rolledBack: { count: 0, seqs: [] },
      fixedForward: { count: 1, seqs: [20] },
      failures: 1,
      rate: 1 / 3,
    });
    expect(cf[1]).toEqual({
      attempts: 3,
      failed: { count: 1, seqs: [55] },
      rolledBack: { count: 1, seqs: [40] },
      fixedForward: { count: 0, seqs: [] },
      failures: 2,
      rate: 2 / 3,
    });
    expect(cf[2]).toMatchObject({ attempts: 2, failed: { count: 1, seqs: [65] }, failures: 1, rate: 0.5 });
    expect(m.total.changeFailure).toMatchObject({ attempts: 8, failures: 4, rate: 0.5 });
  });

  it("recovery time: failure to the next counted event; an unrecovered failure is listed apart", async () => {
    const m = await weeks();
    expect(m.buckets.map((b) => b.recovery)).toEqual([
      { recovered: 1, medianSeconds: 1800, p90Seconds: 1800, seqs: [20], unrecovered: [] },
      // v4 → v5: 3600 s; failed 55 → v6: 4 d 3 h = 356,400 s
      { recovered: 2, medianSeconds: 180_000, p90Seconds: 321_120, seqs: [40, 55], unrecovered: [] },
      { recovered: 0, medianSeconds: null, p90Seconds: null, seqs: [], unrecovered: [65] },
    ]);
    // [1800, 3600, 356400]: p90 rank 1.8 = 3600 + 0.8 × 352800
    expect(m.total.recovery).toEqual({
      recovered: 3,
      medianSeconds: 3600,
      p90Seconds: 285_840,
      seqs: [20, 40, 55],
      unrecovered: [65],
    });
    const events = new Map(m.events.map((e) => [e.seq, e]));
    expect([...events.keys()]).toEqual([10, 20, 30, 40, 50, 55, 60, 65]);
    expect(events.get(40)).toMatchObject({
      ref: "v4",
      failure: "rolled-back",
      recoveredBy: 50,
      recoverySeconds: 3600,
    });
    expect(events.get(55)).toMatchObject({ status: "failed", failure: "failed", recoveredBy: 60 });
    expect(events.get(50)).toMatchObject({ status: "rollback", failure: null, recoveredBy: null });
    expect(events.get(65)).toMatchObject({ failure: "failed", recoveredBy: null, recoverySeconds: null });
  });

  it("a fix-forward window of 0 minutes counts no fix-forward; a wider one counts more", async () => {
    const none = await weeks({ fixWindowMinutes: 0 });
    expect(none.total.changeFailure.fixedForward.count).toBe(0);
    expect(none.total.changeFailure.failures).toBe(3);
    // 3 h 30 min between v1 and v2 and exactly 1 h between v4 and v5 (already a rollback).
    const wide = await weeks({ fixWindowMinutes: 210 });
    expect(wide.total.changeFailure.fixedForward.seqs).toEqual([10, 20]);
  });

  it("counts only events in [from, to); the next counted event after `to` still ends a failure", async () => {
    const m = await weeks({
      from: new Date((T0 + 3600) * 1000),
      to: new Date((T0 + 7 * D + 5 * H + 1) * 1000),
    });
    expect(m.buckets).toHaveLength(2);
    expect(m.buckets[0]!.start).toBe(iso(T0));
    expect(m.total.deployments.seqs).toEqual([20, 30, 40]);
    expect(m.total.recovery.seqs).toEqual([20, 40]);
    expect(m.events.map((e) => e.seq)).toEqual([20, 30, 40, 50]);
  });

  it("months, and weeks in another time zone", async () => {
    const month = await weeks({ bucket: "month" });
    expect(month.buckets.map((b) => [b.start, b.end, b.deployments.count])).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z", 6],
    ]);
    // v1–v3 (T0 + 30 min to T0 + 4 h 30 min) are Sunday evening in New York: the week of
    // Monday 29 December there; v4 (T0 + 7 d + 5 h) is Monday 12 January 00:00 there, the
    // first instant of its week; v6 (T0 + 14 d + 3 h) is Sunday 18 January 22:00.
    const ny = await weeks({ timeZone: "America/New_York" });
    expect(ny.timeZone).toBe("America/New_York");
    expect(ny.buckets.map((b) => [b.start, b.deployments.seqs])).toEqual([
      ["2025-12-29T05:00:00.000Z", [10, 20, 30]],
      ["2026-01-05T05:00:00.000Z", []],
      ["2026-01-12T05:00:00.000Z", [40, 50, 60]],
      ["2026-01-19T05:00:00.000Z", []],
    ]);
  });

  it("an environment without events has empty buckets; the default environment is the last", async () => {
    const staging = await weeks({ environment: "staging" });
    expect(staging.buckets).toHaveLength(3);
    expect(staging.total.deployments.count).toBe(0);
    expect(staging.total.changeFailure.rate).toBeNull();
    expect(staging.leadTimeHistogram.every((b) => b.commits === 0)).toBe(true);
    expect((await weeks({ environment: undefined })).environment).toBe("prod");
  });

  it("lists the environments in promotion order with their latest event's time", async () => {
    expect(await findMetricsEnvironments(db, "ACME/metrics")).toEqual({
      repo: "acme/metrics",
      environments: [
        { name: "staging", latestEventAt: null },
        { name: "prod", latestEventAt: iso(T0 + 15 * D + H) },
      ],
    });
  });

  it.each([
    [{ environment: "nope" }, /no environment "nope" \(its environments: staging, prod\)/],
    [{ repo: "acme/none" }, /unknown repository/],
    [{ timeZone: "Mars/Base" }, /unknown time zone/],
    [{ timeZone: "+05:00" }, /unknown time zone/],
    [{ fixWindowMinutes: -1 }, /fix-forward window/],
    [{ from: new Date((T0 + 21 * D) * 1000) }, /from must be before to/],
    [{ from: new Date(0) }, /longer than 3660 days/],
  ])("refuses %o", async (opts, message) => {
    await expect(weeks(opts)).rejects.toThrow(message);
  });
});
