import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../config/load-config";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { commitEnv, git, initRepo, tagAt } from "../git/testing/git";
import { findEnvironmentEventsPage } from "./events-query";

vi.mock("server-only", () => ({}));

// develop: 130 first-parent commits (one event each), committed alternately by Ada and Bob,
// one a minute from T0. prod: v1..v4 tags, v4 rolls back to v2's commit.
const T0 = 1_700_000_000;
const COMMITS = 130;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let dir: string;
const shas: string[] = [];

beforeAll(async () => {
  db = await openTestDatabase();
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-events-page-"));
  initRepo(dir, "develop");
  for (let i = 0; i < COMMITS; i++) {
    const name = i % 2 === 0 ? "Ada Lovelace" : "Bob Builder";
    git(dir, ["commit", "-q", "--allow-empty", "-m", `change ${i}`], undefined, {
      env: commitEnv(T0 + i * 60, { name }),
    });
    shas.push(git(dir, ["rev-parse", "HEAD"]).trim());
  }
  tagAt(dir, "v1", shas[10]!, T0 + 100_000);
  tagAt(dir, "v2", shas[40]!, T0 + 200_000);
  tagAt(dir, "v3", shas[90]!, T0 + 300_000);
  tagAt(dir, "v4", shas[40]!, T0 + 400_000);
  const config = parseConfig(
    JSON.stringify({
      repositories: [
        {
          repo: "acme/paging",
          environments: [
            { name: "dev", source: { branch: "develop" } },
            { name: "prod", source: { tags: "v*" } },
          ],
        },
      ],
    }),
    "lineage.config.json",
  );
  await importGit(db, { clonePath: dir, repoConfig: config.repositories[0]! });
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("findEnvironmentEventsPage", () => {
  it("pages 130 events newest first with the total, in SQL", async () => {
    const first = await findEnvironmentEventsPage(db, { repo: "acme/paging", environment: "dev", limit: 50 });
    expect(first.total).toBe(COMMITS);
    expect(first.environmentTotal).toBe(COMMITS);
    expect(first.events.map((e) => e.sha)).toEqual(shas.slice(80).reverse());
    const last = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "dev",
      offset: 100,
      limit: 50,
    });
    expect(last.events.map((e) => e.sha)).toEqual(shas.slice(0, 30).reverse());
    expect(last.total).toBe(COMMITS);
  });

  it("filters by period (from inclusive, to exclusive) and counts only what matches", async () => {
    const page = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "dev",
      filter: { from: new Date((T0 + 20 * 60) * 1000), to: new Date((T0 + 30 * 60) * 1000) },
      sort: { column: "at", desc: false },
    });
    expect(page.total).toBe(10);
    expect(page.environmentTotal).toBe(COMMITS);
    expect(page.events.map((e) => e.sha)).toEqual(shas.slice(20, 30));
  });

  it("filters by actor, whatever the case, and lists every actor", async () => {
    const page = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "dev",
      filter: { actor: "bob builder" },
      limit: 5,
    });
    expect(page.total).toBe(COMMITS / 2);
    expect(page.events.every((e) => e.actor === "Bob Builder")).toBe(true);
    expect(page.actors).toEqual(["Ada Lovelace", "Bob Builder"]);
  });

  it("filters by status: the baseline and the rollback of prod", async () => {
    const rollback = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "prod",
      filter: { status: "rollback" },
    });
    expect(rollback.events.map((e) => [e.ref, e.statusKind, e.removed])).toEqual([["v4", "rollback", 50]]);
    expect(rollback.total).toBe(1);
    const baseline = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "prod",
      filter: { status: "baseline" },
    });
    expect(baseline.events.map((e) => e.ref)).toEqual(["v1"]);
    const success = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "prod",
      filter: { status: "success" },
      sort: { column: "at", desc: false },
    });
    expect(success.events.map((e) => [e.ref, e.added])).toEqual([
      ["v2", 30],
      ["v3", 50],
    ]);
  });

  it("sorts by added commits in SQL before paging", async () => {
    const page = await findEnvironmentEventsPage(db, {
      repo: "acme/paging",
      environment: "prod",
      sort: { column: "added", desc: true },
      limit: 2,
    });
    expect(page.events.map((e) => e.ref)).toEqual(["v3", "v2"]);
    expect(page.total).toBe(4);
  });

  it("names the environments a repository has when asked for an unknown one", async () => {
    await expect(
      findEnvironmentEventsPage(db, { repo: "acme/paging", environment: "staging" }),
    ).rejects.toThrow('acme/paging has no environment "staging" (its environments: dev, prod)');
  });
});
