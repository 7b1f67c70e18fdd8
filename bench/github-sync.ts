// GitHub sync benchmark: a full sync of the simulator's "large" scenario (≥ 20,000 commits,
// 4,000 PRs, 20,000 check suites, 3,000 deployments) into a scratch database, then a sync with
// nothing new. The simulator runs in this process, so its handler time is measured apart from
// the client's (wall time minus simulator time: GraphQL answers parsed, rows written).
//   npx tsx -e 'import("./bench/github-sync.ts").then(m=>m.runGithubSyncBench())'
import type { TLineageConfig } from "../lib/config/schema";
import { openDatabase } from "../lib/db/client";
import { applyMigrations } from "../lib/db/migrate";
import { createEmptyDatabase } from "../lib/db/testing/databases";
import { GithubClient } from "../lib/github/client";
import {
  createScenario,
  scenarioConfig,
  scenarioSummary,
  startSimulator,
} from "../lib/github/simulator/index";
import { type SyncSummary, syncRepositories } from "../lib/github/sync";

const MAX_PAGE = 100;

/** Tables counted as "rows written". */
const TABLES = [
  "github_commit",
  "github_commit_signature",
  "github_pull_request",
  "github_pull_request_commit",
  "github_review",
  "github_review_dismissal",
  "github_pull_request_event",
  "github_check_suite",
  "github_workflow_run",
  "github_check_run",
  "github_deployment_review",
  "github_deployment",
  "github_deployment_status",
  "github_environment",
  "github_protection_rule",
  "github_release",
  "github_tag_version",
  "commit",
  "promotion_event",
  "env_reach",
];

/**
 * Objects per repository for each connection sync pages, from what it stored. The lower bound is
 * Σ ceil(objects ÷ 100): no client can read a connection in fewer pages. "top level" counts the
 * connections a client must page on their own (commits, PRs, check suites, deployments, tags,
 * releases, environments); "all" adds those nested in them (reviews, PR commits, check runs,
 * deployment statuses and reviews), each in pages of 100 too.
 */
const CONNECTIONS: { name: string; sql: string; nested: boolean }[] = [
  { name: "commits", sql: "SELECT repo_id, count(*) FROM github_commit GROUP BY 1", nested: false },
  {
    name: "pull requests",
    sql: "SELECT repo_id, count(*) FROM github_pull_request GROUP BY 1",
    nested: false,
  },
  { name: "check suites", sql: "SELECT repo_id, count(*) FROM github_check_suite GROUP BY 1", nested: false },
  { name: "deployments", sql: "SELECT repo_id, count(*) FROM github_deployment GROUP BY 1", nested: false },
  {
    name: "tags",
    sql: "SELECT repo_id, count(*) FROM github_tag_version WHERE current GROUP BY 1",
    nested: false,
  },
  { name: "releases", sql: "SELECT repo_id, count(*) FROM github_release GROUP BY 1", nested: false },
  { name: "environments", sql: "SELECT repo_id, count(*) FROM github_environment GROUP BY 1", nested: false },
  { name: "reviews", sql: "SELECT repo_id, count(*) FROM github_review GROUP BY 1", nested: true },
  {
    name: "PR commits",
    sql: "SELECT repo_id, count(*) FROM github_pull_request_commit GROUP BY 1",
    nested: true,
  },
  { name: "check runs", sql: "SELECT repo_id, count(*) FROM github_check_run GROUP BY 1", nested: true },
  {
    name: "deployment statuses",
    sql: "SELECT repo_id, count(*) FROM github_deployment_status GROUP BY 1",
    nested: true,
  },
  {
    name: "deployment reviews",
    sql: "SELECT repo_id, count(*) FROM github_deployment_review GROUP BY 1",
    nested: true,
  },
];

export interface GithubSyncBenchResult {
  scenario: ReturnType<typeof scenarioSummary>;
  requests: number;
  points: number;
  lowerBound: { topLevel: number; all: number; byConnection: Record<string, number> };
  pointsPerLowerBound: { topLevel: number; all: number };
  wallSeconds: number;
  simulatorSeconds: number;
  clientSeconds: number;
  rowsWritten: number;
  rowsPerSecond: number;
  noop: { requests: number; byRepo: Record<string, Record<string, number>> };
  targets: { points: boolean; noop: boolean; client: boolean };
}

const perRepo = (summary: SyncSummary) =>
  Object.fromEntries(
    summary.repos.map((r) => [
      r.repo,
      Object.fromEntries(Object.entries(r.resources).map(([k, v]) => [k, v?.requests ?? 0])),
    ]),
  );

export async function runGithubSyncBench(
  opts: { seed?: number; log?: (line: string) => void } = {},
): Promise<GithubSyncBenchResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`bench github-sync: ${line}\n`));
  const built = performance.now();
  const scenario = createScenario({ seed: opts.seed ?? 1, size: "large" });
  const summary = scenarioSummary(scenario);
  log(
    `scenario built in ${((performance.now() - built) / 1000).toFixed(1)} s: ${summary.commits} commits, ${summary.pullRequests} PRs, ${summary.reviews} reviews, ${summary.checkSuites} check suites, ${summary.deployments} deployments`,
  );
  const sim = await startSimulator({ scenario, rateLimit: { limit: 2_000_000_000 } });
  const scratch = await createEmptyDatabase("lineage_bench_gh");
  try {
    await applyMigrations({ connectionString: scratch.url });
    const db = await openDatabase({ url: scratch.url, migrate: false });
    try {
      const config = scenarioConfig(scenario) as TLineageConfig;
      const client = new GithubClient({ token: "bench", url: sim.url });
      log("full sync…");
      const t0 = performance.now();
      const full = await syncRepositories(db, { config, client });
      const wallSeconds = (performance.now() - t0) / 1000;
      const simulatorSeconds = sim.stats.timeInSimulatorMs / 1000;
      const charged = sim.stats.pointsCharged;
      const clientSeconds = wallSeconds - simulatorSeconds;

      const byConnection: Record<string, number> = {};
      let topLevel = 0;
      let all = 0;
      for (const c of CONNECTIONS) {
        const { rows } = await db.pool.query<{ count: number }>(c.sql);
        const pages = rows.reduce((n, r) => n + Math.ceil(r.count / MAX_PAGE), 0);
        byConnection[c.name] = pages;
        all += pages;
        if (!c.nested) topLevel += pages;
      }
      let rowsWritten = 0;
      for (const t of TABLES) {
        const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${t}"`);
        rowsWritten += rows[0]!.n;
      }

      log("sync with nothing new…");
      sim.stats.reset();
      const noop = await syncRepositories(db, { config, client });
      const noopByRepo = perRepo(noop);
      const maxPerResource = Math.max(...Object.values(noopByRepo).flatMap((r) => Object.values(r)));

      const result: GithubSyncBenchResult = {
        scenario: summary,
        requests: full.requests,
        points: full.points,
        lowerBound: { topLevel, all, byConnection },
        pointsPerLowerBound: { topLevel: full.points / topLevel, all: full.points / all },
        wallSeconds,
        simulatorSeconds,
        clientSeconds,
        rowsWritten,
        rowsPerSecond: rowsWritten / wallSeconds,
        noop: { requests: noop.requests, byRepo: noopByRepo },
        targets: {
          points: full.points <= 1.5 * topLevel,
          noop: maxPerResource <= 1,
          client: clientSeconds <= 30,
        },
      };
      const check = (ok: boolean) => (ok ? "ok  " : "MISS");
      const resources = Object.keys(Object.values(noopByRepo)[0] ?? {});
      const lines = [
        `scenario: ${summary.repos} repositories, ${summary.commits} commits, ${summary.pullRequests} PRs (${summary.reviews} reviews), ${summary.checkSuites} check suites (${summary.checkRuns} check runs), ${summary.deployments} deployments, ${summary.tags} tags, ${summary.releases} releases`,
        `full sync: ${full.requests} requests, ${full.points} points (the simulator charged ${charged})`,
        `lower bound, Σ ceil(objects ÷ ${MAX_PAGE}) per repository and connection: ${Object.entries(
          byConnection,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
        `${check(result.targets.points)} points ÷ lower bound (top-level connections)  ${result.pointsPerLowerBound.topLevel.toFixed(2)}×  (${full.points} ÷ ${topLevel}; target ≤ 1.5×)`,
        `     points ÷ lower bound (nested included)     ${result.pointsPerLowerBound.all.toFixed(2)}×  (${full.points} ÷ ${all})`,
        `     wall time                                  ${wallSeconds.toFixed(1)} s`,
        `     inside the simulator                       ${simulatorSeconds.toFixed(1)} s`,
        `${check(result.targets.client)} client side (wall − simulator)             ${clientSeconds.toFixed(1)} s  (target ≤ 30 s)`,
        `     rows written                               ${rowsWritten} (${Math.round(result.rowsPerSecond)} rows/s of wall time)`,
        `${check(result.targets.noop)} sync with nothing new                      ${noop.requests} requests; per repository: ${resources.join(", ")}`,
        ...Object.entries(noopByRepo).map(
          ([repo, r]) => `       ${repo.padEnd(14)} ${resources.map((k) => r[k] ?? 0).join(", ")}`,
        ),
      ];
      process.stdout.write(`\n${lines.join("\n")}\n`);
      return result;
    } finally {
      await db.close();
    }
  } finally {
    await sim.close();
    await scratch.drop();
  }
}
