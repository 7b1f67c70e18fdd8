// lineage sync against answers of random schema-valid data (the simulator's random-answer
// mode): every nullable field null some of the time, 0–3 nodes per list, hostile strings.
// Whatever GitHub's schema allows must be stored as missing or well-formed, never crash.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TLineageConfig } from "../config/schema";
import type { Db } from "../db/client";
import { spawnLineage } from "../db/testing/run-cli";
import { openTestDatabase } from "../db/testing/test-db";
import { GithubClient } from "./client";
import { createScenario, type Simulator, startSimulator } from "./simulator/index";
import { syncRepositories } from "./sync";

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

/** Every kind of environment source, so every code path after the reads runs too. */
const CONFIG: TLineageConfig = {
  repositories: ["acme/shop", "acme/api"].map((repo) => ({
    repo,
    environments: [
      { name: "dev", source: { branch: "main" } },
      { name: "test", source: { deployments: "test" } },
      { name: "prod", source: { tags: "v*" } },
    ],
  })),
} as TLineageConfig;

/** Rows that break what the rest of Lineage relies on; empty when the database is well-formed. */
async function malformedRows(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const { rows: shaColumns } = await db.pool.query<{
    table_name: string;
    column_name: string;
    data_type: string;
  }>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND (column_name LIKE '%sha' OR column_name LIKE '%shas' OR column_name LIKE '%\\_oid')`,
  );
  expect(shaColumns.length).toBeGreaterThan(10);
  for (const c of shaColumns) {
    const values =
      c.data_type === "ARRAY"
        ? `SELECT v FROM "${c.table_name}", unnest("${c.column_name}") AS v`
        : `SELECT "${c.column_name}" AS v FROM "${c.table_name}"`;
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (${values}) s WHERE v IS NOT NULL AND v !~ '^[0-9a-f]{40}$'`,
    );
    if (Number(rows[0]!.n) > 0)
      problems.push(`${c.table_name}.${c.column_name}: ${rows[0]!.n} values not a SHA`);
  }
  const checks: [string, string][] = [
    [
      "commit idx not dense",
      `SELECT repo_id FROM commit GROUP BY repo_id HAVING max(idx) <> count(*) - 1 OR min(idx) <> 0`,
    ],
    [
      "commit parent missing or not earlier",
      `SELECT c.repo_id, c.idx FROM commit c, unnest(c.parents) p
       WHERE p >= c.idx OR NOT EXISTS (SELECT 1 FROM commit q WHERE q.repo_id = c.repo_id AND q.idx = p)`,
    ],
    [
      "event on an unknown commit",
      `SELECT e.id FROM promotion_event e JOIN environment v ON v.id = e.env_id
       WHERE NOT EXISTS (SELECT 1 FROM commit c WHERE c.repo_id = v.repo_id AND c.idx = e.commit_idx AND c.sha = e.sha)`,
    ],
    [
      "event sequence not dense",
      `SELECT env_id FROM promotion_event GROUP BY env_id HAVING max(seq) <> count(*) - 1 AND max(seq) <> count(*)`,
    ],
  ];
  for (const [what, sql] of checks) {
    const { rows } = await db.pool.query(sql);
    if (rows.length > 0) problems.push(`${what}: ${JSON.stringify(rows.slice(0, 3))}`);
  }
  return problems;
}

const sims: Simulator[] = [];
const dbs: TestDb[] = [];
let dir: string;
/** Commits the random answers got into the graph, over all seeds. */
let materialized = 0;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-random-"));
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(dbs.map((d) => d.drop()));
  rmSync(dir, { recursive: true, force: true });
});

async function randomSimulator(seed: number) {
  const sim = await startSimulator({
    scenario: createScenario({ seed, size: "small" }),
    rateLimit: { limit: 1_000_000 },
    randomAnswers: { seed },
  });
  sims.push(sim);
  return sim;
}

describe("sync against random schema-valid answers", () => {
  const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

  it.each(SEEDS)("seed %i: two syncs in a row finish and store only well-formed rows", async (seed) => {
    const sim = await randomSimulator(seed);
    const db = await openTestDatabase();
    dbs.push(db);
    const client = new GithubClient({ token: "t", url: sim.url, log: () => {}, sleep: async () => {} });
    for (const round of [1, 2]) {
      const summary = await syncRepositories(db, { config: CONFIG, client, log: () => {} });
      expect(
        summary.repos.map((r) => r.repo),
        `round ${round}`,
      ).toEqual(["acme/shop", "acme/api"]);
    }
    expect(await malformedRows(db)).toEqual([]);
    // The answers carried data, not only nulls: rows reached the tables.
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM github_commit) + (SELECT count(*) FROM github_pull_request)
            + (SELECT count(*) FROM github_deployment) + (SELECT count(*) FROM github_tag_version) AS n`,
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    const graph = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM commit");
    materialized += Number(graph.rows[0]!.n);
    await db.drop();
    dbs.splice(dbs.indexOf(db), 1);
  });

  it("got commits all the way into the lineage graph on some seeds", () => {
    expect(materialized).toBeGreaterThan(0);
  });

  it("stores null fields as missing and hostile strings as they came, across seeds", async () => {
    const sim = await randomSimulator(99);
    const db = await openTestDatabase();
    dbs.push(db);
    const client = new GithubClient({ token: "t", url: sim.url, log: () => {}, sleep: async () => {} });
    for (let round = 0; round < 6; round++)
      await syncRepositories(db, { config: CONFIG, client, full: true });
    const { rows } = await db.pool.query<{
      prs: string;
      null_author: string;
      markup: string;
      deployments: string;
    }>(
      `SELECT (SELECT count(*) FROM github_pull_request) AS prs,
              (SELECT count(*) FROM github_pull_request WHERE author_login IS NULL OR merge_commit_sha IS NULL) AS null_author,
              (SELECT count(*) FROM github_pull_request WHERE title ~ '<script>|<img|^=')
                + (SELECT count(*) FROM github_commit WHERE message ~ '<script>|<img|^=')
                + (SELECT count(*) FROM github_deployment WHERE description ~ '<script>|<img|^=') AS markup,
              (SELECT count(*) FROM github_deployment) AS deployments`,
    );
    const r = rows[0]!;
    expect(Number(r.prs)).toBeGreaterThan(0);
    expect(Number(r.null_author)).toBeGreaterThan(0);
    expect(Number(r.markup)).toBeGreaterThan(0);
    expect(await malformedRows(db)).toEqual([]);
  });

  it("exits 0 twice in a row from the CLI", async () => {
    const sim = await randomSimulator(7);
    const db = await openTestDatabase();
    dbs.push(db);
    const configFile = path.join(dir, "lineage.config.json");
    writeFileSync(configFile, JSON.stringify(CONFIG));
    for (const round of [1, 2]) {
      const res = await spawnLineage(["sync", "--config", configFile], {
        cwd: dir,
        env: { DATABASE_URL: db.url, GITHUB_TOKEN: "t", GITHUB_GRAPHQL_URL: sim.url },
      });
      expect(res.stderr, `round ${round}`).not.toMatch(/internal error|TypeError|at .*\.ts:\d+/);
      expect(res.code, `round ${round}: ${res.stderr.slice(-500)}`).toBe(0);
    }
  });
});
