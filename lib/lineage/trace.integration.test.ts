// Trace's candidates must be exactly what git says: `git rev-list good..suspect`, and with
// paths `git rev-list --full-history --no-merges good..suspect -- PATH…`, on a generated
// history with merges, criss-cross and octopus merges and rollback tags.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRepositoryConfig } from "../config/schema";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { buildHistory } from "../git/testing/build-history";
import { commitAt, git, gitLines, initRepo, tagAt } from "../git/testing/git";
import { findEnvironmentEvents } from "./events-query";
import { compilePathspecs } from "./pathspec";
import { traceIncident } from "./trace";

const REPO = "acme/trace";
const repoConfig: TRepositoryConfig = {
  repo: REPO,
  environments: [
    { name: "dev", source: { branch: "main" } },
    { name: "test", source: { tags: "rc-*" } },
    { name: "prod", source: { tags: "v*" } },
  ],
};

let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-trace-"));
  buildHistory(dir, {
    seed: 11,
    commits: 1200,
    tags: 40,
    octopus: true,
    crissCross: true,
    maintenanceBranches: 2,
    rollbackTags: 3,
  });
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig });
});

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sorted = (xs: Iterable<string>) => [...xs].sort();
const revList = (args: string[]) => sorted(gitLines(dir, ["rev-list", ...args]));

const PATHSPECS: string[][] = [
  ["src/core/engine.ts"],
  ["src/api"],
  ["src/api/"],
  ["*.md"],
  ["src/*/v2/*"],
  ["docs/guide/getting started.md", "test/unit"],
  ["src/ui/components/[BT]*.tsx"],
  ["docs/über-uns.md"],
  ["no/such/path"],
];

describe("trace candidates against git", () => {
  it("equal git rev-list good..suspect for every counted event of every environment, with the previous event as good", async () => {
    let checked = 0;
    for (const environment of ["dev", "test", "prod"]) {
      const events = (await findEnvironmentEvents(db, { repo: REPO, environment })).filter((e) => e.counted);
      // Every event of the tag environments; a sample of the branch's.
      const step = environment === "dev" ? Math.ceil(events.length / 25) : 1;
      for (let i = 1; i < events.length; i += step) {
        const suspect = events[i]!;
        const prev = events[i - 1]!;
        // Equal times (tags created in the same second): the later one in the environment's order is live.
        if (events[i + 1]?.at === suspect.at) continue;
        const result = await traceIncident(db, { repo: REPO, environment, at: new Date(suspect.at) });
        expect(result.suspect.seq).toBe(suspect.seq);
        expect(result.good.seq).toBe(prev.seq);
        expect(sorted(result.candidates.map((c) => c.sha))).toEqual(revList([`${prev.sha}..${suspect.sha}`]));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it.each(PATHSPECS.map((p) => [p.join(" "), p]))(
    "with paths %s equal git rev-list --full-history --no-merges good..suspect -- PATH…",
    async (_, paths) => {
      const events = (await findEnvironmentEvents(db, { repo: REPO, environment: "prod" })).filter(
        (e) => e.counted,
      );
      const suspect = events[events.length - 1]!;
      for (const good of [events[0]!, events[Math.floor(events.length / 2)]!, events[events.length - 2]!]) {
        const result = await traceIncident(db, {
          repo: REPO,
          environment: "prod",
          at: new Date(suspect.at),
          good: `prod@${good.seq}`,
          paths,
        });
        const expected = revList([
          "--full-history",
          "--no-merges",
          `${good.sha}..${suspect.sha}`,
          "--",
          ...paths,
        ]);
        expect(sorted(result.candidates.map((c) => c.sha))).toEqual(expected);
        expect(result.candidates.every((c) => c.matches.path && !c.merge)).toBe(true);
      }
    },
  );

  it("matches paths as git's pathspecs do, file by file (literal prefixes at a '/', globs whose * crosses '/')", () => {
    const all = git(dir, ["ls-tree", "-r", "--name-only", "-z", "HEAD"]).split("\0").filter(Boolean);
    expect(all.length).toBeGreaterThan(10);
    for (const spec of [["src"], ["src/a"], ["*.ts"], ["src/*.ts"], ["?ocs"], ["docs/*"], ["[st]*/unit"]]) {
      const matches = compilePathspecs(spec);
      const expected = sorted(
        git(dir, ["ls-files", "-z", "--", ...spec])
          .split("\0")
          .filter(Boolean),
      );
      expect(sorted(all.filter(matches))).toEqual(expected);
    }
  });

  it("lists apart the commits a rollback in the range removed, as git rev-list says", async () => {
    const events = (await findEnvironmentEvents(db, { repo: REPO, environment: "prod" })).filter(
      (e) => e.counted,
    );
    const rollbacks = events.filter((e) => e.rollback && !e.baseline);
    expect(rollbacks.length).toBeGreaterThan(0);
    let checked = 0;
    for (const rb of rollbacks) {
      const i = events.indexOf(rb);
      const suspect = events[i + 1] ?? rb;
      const j = events.indexOf(suspect);
      const good = events[Math.max(0, i - 3)]!;
      if (events[j + 1]?.at === suspect.at) continue;
      const result = await traceIncident(db, {
        repo: REPO,
        environment: "prod",
        at: new Date(suspect.at),
        good: `prod@${good.seq}`,
      });
      const between = events.filter((e) => e.seq > good.seq && e.seq < suspect.seq);
      expect(result.events.filter((e) => e.counted).map((e) => e.seq)).toEqual(between.map((e) => e.seq));
      const expected = revList([good.sha, ...between.map((e) => e.sha), `^${suspect.sha}`]);
      expect(expected.length).toBeGreaterThan(0);
      expect(result.rollback).toBe(true);
      expect(sorted(result.removed.map((c) => c.sha))).toEqual(expected);
      expect(sorted(result.candidates.map((c) => c.sha))).toEqual(revList([`${good.sha}..${suspect.sha}`]));
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("ranks commits matching grep (message or PR title, any case) first, each group newest first", async () => {
    const events = (await findEnvironmentEvents(db, { repo: REPO, environment: "prod" })).filter(
      (e) => e.counted,
    );
    const suspect = events[events.length - 1]!;
    const result = await traceIncident(db, {
      repo: REPO,
      environment: "prod",
      at: new Date(suspect.at),
      good: `prod@${events[0]!.seq}`,
      grep: "PAGINATION",
    });
    const messages = new Map(
      gitLines(dir, ["log", "--format=%H %ct %an", `${events[0]!.sha}..${suspect.sha}`]).map((l) => [
        l.slice(0, 40),
        l.slice(41),
      ]),
    );
    const flags = result.candidates.map((c) => c.matches.grep);
    const firstMiss = flags.indexOf(false);
    expect(firstMiss).toBeGreaterThan(0);
    expect(flags.slice(firstMiss).every((f) => !f)).toBe(true);
    for (const c of result.candidates) {
      const full = git(dir, ["log", "-1", "--format=%B", c.sha]);
      expect(c.matches.grep).toBe(full.toLowerCase().includes("pagination"));
      expect(c.headline).toBe(full.split("\n")[0]);
      expect(messages.get(c.sha)).toBe(`${Date.parse(c.committedAt) / 1000} ${c.author}`);
    }
    const newestFirst = (xs: typeof result.candidates) =>
      xs.every((c, k) => k === 0 || Date.parse(xs[k - 1]!.committedAt) >= Date.parse(c.committedAt));
    expect(newestFirst(result.candidates.slice(0, firstMiss))).toBe(true);
    expect(newestFirst(result.candidates.slice(firstMiss))).toBe(true);
  });

  it("describes only a window of the ranked candidates when asked, with the full counts", async () => {
    const events = (await findEnvironmentEvents(db, { repo: REPO, environment: "prod" })).filter(
      (e) => e.counted,
    );
    const input = {
      repo: REPO,
      environment: "prod",
      at: new Date(events[events.length - 1]!.at),
      good: `prod@${events[0]!.seq}`,
      grep: "cache",
      paths: ["src"],
    };
    const all = await traceIncident(db, input);
    expect(all.candidateCount).toBe(all.candidates.length);
    expect(all.grepCount).toBe(all.candidates.filter((c) => c.matches.grep).length);
    const page = await traceIncident(db, {
      ...input,
      window: { offset: 7, limit: 5 },
      removedWindow: { offset: 1, limit: 2 },
    });
    expect(page.candidates).toEqual(all.candidates.slice(7, 12));
    expect(page.candidateCount).toBe(all.candidateCount);
    expect(page.removed).toEqual(all.removed.slice(1, 3));
    expect(page.removedCount).toBe(all.removed.length);
  });

  it("takes good as a time, ENV@SEQ of another environment, or a revision", async () => {
    const prod = (await findEnvironmentEvents(db, { repo: REPO, environment: "prod" })).filter(
      (e) => e.counted,
    );
    const suspect = prod[prod.length - 1]!;
    const at = new Date(suspect.at);
    const older = prod[prod.length - 4]!;
    const byTime = await traceIncident(db, { repo: REPO, at, good: older.at });
    expect(byTime.environment).toBe("prod");
    expect(byTime.good.seq).toBe(older.seq);
    const byRev = await traceIncident(db, { repo: REPO, at, good: older.ref });
    expect(byRev.good.seq).toBe(older.seq);
    const rc = (await findEnvironmentEvents(db, { repo: REPO, environment: "test" })).filter(
      (e) => e.counted && Date.parse(e.at) < at.getTime(),
    );
    const testGood = rc[rc.length - 1]!;
    const cross = await traceIncident(db, { repo: REPO, at, good: `test@${testGood.seq}` });
    expect(cross.goodEnvironment).toBe("test");
    expect(sorted(cross.candidates.map((c) => c.sha))).toEqual(revList([`${testGood.sha}..${suspect.sha}`]));
  });
});

describe("trace errors", () => {
  let small: string;
  let sdb: Awaited<ReturnType<typeof openTestDatabase>>;
  const t0 = 1_700_000_000;
  beforeAll(async () => {
    small = mkdtempSync(path.join(os.tmpdir(), "lineage-trace-small-"));
    initRepo(small);
    const shas = [0, 1, 2, 3].map((i) => commitAt(small, `commit ${i}`, t0 + i * 60));
    tagAt(small, "v1", shas[1]!, t0 + 1000);
    tagAt(small, "v2", shas[3]!, t0 + 2000);
    sdb = await openTestDatabase();
    await importGit(sdb, {
      clonePath: small,
      repoConfig: { repo: "acme/small", environments: [{ name: "prod", source: { tags: "v*" } }] },
    });
  });
  afterAll(async () => {
    await sdb?.drop();
    if (small) rmSync(small, { recursive: true, force: true });
  });
  const at = (s: number) => new Date((t0 + s) * 1000);

  it.each([
    ["an at before any event", { at: at(10) }, /before prod's first event/],
    ["a suspect that is the first event", { at: at(1500) }, /first event: there is no earlier event/],
    ["a good later than at", { at: at(2500), good: new Date(at(3000)).toISOString() }, /later than at/],
    ["a good within the suspect", { at: at(2500), good: new Date(at(2100)).toISOString() }, /falls within/],
    ["an unknown environment", { at: at(2500), environment: "staging" }, /no environment "staging"/],
    ["an unknown revision", { at: at(2500), good: "nope" }, /unknown revision "nope"/],
    ["an unknown event", { at: at(2500), good: "prod@9" }, /no event #9/],
  ])("refuses %s with a clear message", async (_, input, message) => {
    await expect(traceIncident(sdb, { repo: "acme/small", ...input })).rejects.toThrow(message);
  });

  it("traces from the event before when good is left out", async () => {
    const r = await traceIncident(sdb, { repo: "acme/small", at: at(2500) });
    expect(r.good.ref).toBe("v1");
    expect(r.suspect.ref).toBe("v2");
    expect(r.candidates.map((c) => c.headline)).toEqual(["commit 3", "commit 2"]);
    expect(r.rollback).toBe(false);
  });
});
