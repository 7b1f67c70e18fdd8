// A token that may read some resources and not others (a fine-grained token without Checks or
// Deployments): GitHub answers the page with data, null where denied, and FORBIDDEN errors.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TLineageConfig } from "../config/schema";
import { spawnLineage } from "../db/testing/run-cli";
import { openTestDatabase } from "../db/testing/test-db";
import { GithubClient } from "./client";
import {
  createScenario,
  type Scenario,
  type Simulator,
  scenarioConfig,
  startSimulator,
} from "./simulator/index";
import { syncRepositories } from "./sync";
import { dumpGithubRepository } from "./testing/dump";

type TestDb = Awaited<ReturnType<typeof openTestDatabase>>;

let scenario: Scenario;
let config: TLineageConfig;
let clean: TestDb;
let dir: string;
const sims: Simulator[] = [];
const dbs: TestDb[] = [];

async function newSim(forbidden: Parameters<Simulator["setForbidden"]>[0] = []) {
  const sim = await startSimulator({ scenario, rateLimit: { limit: 1_000_000 }, forbidden });
  sims.push(sim);
  return sim;
}
async function newDb() {
  const db = await openTestDatabase();
  dbs.push(db);
  return db;
}
const clientFor = (sim: Simulator) =>
  new GithubClient({ token: "t", url: sim.url, log: () => {}, sleep: async () => {} });
/** Everything but the sync checkpoints, which record how far each pass got. */
async function content(db: TestDb, repo: string) {
  const { syncState: _, ...rest } = await dumpGithubRepository(db.pool, repo);
  return rest;
}

beforeAll(async () => {
  scenario = createScenario({ seed: 5, size: "small" });
  config = scenarioConfig(scenario) as TLineageConfig;
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-perm-"));
  clean = await newDb();
  await syncRepositories(clean, { config, client: clientFor(await newSim()), log: () => {} });
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(dbs.map((d) => d.drop()));
  rmSync(dir, { recursive: true, force: true });
});

describe("a token with partial permissions", () => {
  it("keeps the rest of each page, skips checks, warns once per repository, and fills in once allowed", async () => {
    const sim = await newSim(["checks"]);
    const db = await newDb();
    const lines: string[] = [];
    const summary = await syncRepositories(db, { config, client: clientFor(sim), log: (l) => lines.push(l) });

    const repos = scenario.repos.map((r) => `${r.owner}/${r.name}`);
    expect(summary.warnings.map((w) => [w.repo, w.permission])).toEqual(repos.map((r) => [r, "checks"]));
    expect(summary.warnings[0]!.message).toMatch(/check suites and check runs not read: .*"Checks: read"/);
    expect(lines.filter((l) => l.startsWith("warning:"))).toHaveLength(repos.length);

    for (const repo of repos) {
      const got = await content(db, repo);
      const want = await content(clean, repo);
      expect(got.checkSuites).toEqual([]);
      expect(got.checkRuns).toEqual([]);
      expect(want.checkSuites!.length).toBeGreaterThan(0);
      // Everything the token may read is there as in a clean sync.
      expect(got.pullRequests).toEqual(want.pullRequests);
      expect(got.reviews).toEqual(want.reviews);
      expect(got.deployments).toEqual(want.deployments);
      expect(got.commits!.map((c) => c.sha)).toEqual(want.commits!.map((c) => c.sha));
    }
    const run = await db.pool.query<{ status: string; details: { warnings: { permission: string }[] } }>(
      "SELECT status, details FROM github_sync_run ORDER BY id DESC LIMIT 1",
    );
    expect(run.rows[0]!.status).toBe("ok");
    expect(run.rows[0]!.details.warnings.map((w) => w.permission)).toEqual(repos.map(() => "checks"));

    // Granted later: the next sync reads what was skipped, and the database equals a clean sync's.
    sim.setForbidden([]);
    const again = await syncRepositories(db, { config, client: clientFor(sim), log: () => {} });
    expect(again.warnings).toEqual([]);
    for (const repo of repos) expect(await content(db, repo)).toEqual(await content(clean, repo));
  });

  it("does not empty stored environments and deployment reviews when a later token may not read them", async () => {
    const sim = await newSim();
    const db = await newDb();
    await syncRepositories(db, { config, client: clientFor(sim), log: () => {} });
    const repo = `${scenario.repos[0]!.owner}/${scenario.repos[0]!.name}`;
    const before = await content(db, repo);
    expect(before.environments!.length).toBeGreaterThan(0);
    sim.setForbidden(["environments", "deployments", "actions"]);
    const summary = await syncRepositories(db, { config, client: clientFor(sim), log: () => {}, full: true });
    expect(new Set(summary.warnings.filter((w) => w.repo === repo).map((w) => w.permission))).toEqual(
      new Set(["environments", "deployments"]),
    );
    const after = await content(db, repo);
    expect(after.environments).toEqual(before.environments);
    expect(after.protectionRules).toEqual(before.protectionRules);
    expect(after.deployments).toEqual(before.deployments);
    expect(after.deploymentReviews).toEqual(before.deploymentReviews);
  });

  it("exits 0 from the CLI with one warning line per repository and the warnings in --json", async () => {
    const sim = await newSim(["deployments"]);
    const db = await newDb();
    const configFile = path.join(dir, "lineage.config.json");
    writeFileSync(configFile, JSON.stringify(config));
    const res = await spawnLineage(["sync", "--config", configFile, "--json"], {
      cwd: dir,
      env: { DATABASE_URL: db.url, GITHUB_TOKEN: "t", GITHUB_GRAPHQL_URL: sim.url },
    });
    expect(res.code, res.stderr).toBe(0);
    const warningLines = res.stderr.split("\n").filter((l) => l.includes("warning:"));
    expect(warningLines).toHaveLength(scenario.repos.length);
    expect(warningLines[0]).toMatch(/deployments and their statuses not read: .*"Deployments: read"/);
    const json = JSON.parse(res.stdout) as { warnings: { permission: string }[] };
    expect(json.warnings.map((w) => w.permission)).toEqual(scenario.repos.map(() => "deployments"));
  });
});
