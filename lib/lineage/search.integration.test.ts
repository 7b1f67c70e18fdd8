import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { commitAt, git, initRepo, tagAt } from "../git/testing/git";
import { getRepositoryOrThrow } from "./repositories";
import { escapeLike, searchEverything, uniqueHit } from "./search";

const REPO = "acme/search";
const HOSTILE_TAG = "v9<svg/onload=alert(1)>";
const HOSTILE_BRANCH = "feature/<i>x</i>";
let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
const sha: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-search-"));
  initRepo(dir);
  sha.root = commitAt(dir, "Initial import of the shop", 1_700_000_000);
  sha.percent = commitAt(dir, "Discount is 100% now", 1_700_000_100);
  sha.underscore = commitAt(dir, "Rename cart_total to total", 1_700_000_200);
  sha.hostile = commitAt(dir, `Escape <script>alert("x")</script> in suggestions`, 1_700_000_300);
  tagAt(dir, "v1.0.0", sha.percent);
  tagAt(dir, HOSTILE_TAG, sha.underscore);
  git(dir, ["branch", HOSTILE_BRANCH, sha.root]);
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig: { repo: REPO, environments: [] } });
  const { id: repoId } = await getRepositoryOrThrow(db, REPO);
  const prisma = await db.getPrisma();
  const at = new Date("2024-01-01T00:00:00Z");
  const pr = (number: number, title: string, mergeCommitSha: string | null) => ({
    repoId,
    number,
    title,
    url: `https://github.com/${REPO}/pull/${number}`,
    authorAssociation: "MEMBER",
    state: mergeCommitSha ? "MERGED" : "OPEN",
    isDraft: false,
    createdAt: at,
    updatedAt: at,
    mergeCommitSha,
    baseRefName: "main",
    baseRefOid: sha.root!,
    headRefName: "feature",
    headRefOid: sha.root!,
    isCrossRepository: false,
  });
  await prisma.githubPullRequest.createMany({
    data: [pr(12, "Make checkout 50% faster", sha.percent!), pr(13, "Add passkeys", null)],
  });
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe("searchEverything", () => {
  it("finds a commit by a SHA prefix of 4+ hex digits and opens it when unique", async () => {
    const result = await searchEverything(db, { query: sha.hostile!.slice(0, 10).toUpperCase() });
    expect(uniqueHit(result)).toMatchObject({ kind: "commit", repo: REPO, sha: sha.hostile });
  });

  it("finds tags and branches by name, hostile names included, as their commits", async () => {
    expect(uniqueHit(await searchEverything(db, { query: "v1.0.0" }))).toMatchObject({
      kind: "tag",
      name: "v1.0.0",
      sha: sha.percent,
    });
    expect(uniqueHit(await searchEverything(db, { query: HOSTILE_TAG }))).toMatchObject({
      kind: "tag",
      name: HOSTILE_TAG,
      sha: sha.underscore,
    });
    expect(uniqueHit(await searchEverything(db, { query: HOSTILE_BRANCH }))).toMatchObject({
      kind: "branch",
      name: HOSTILE_BRANCH,
      sha: sha.root,
    });
  });

  it("finds a pull request by #number, with its merge commit", async () => {
    const result = await searchEverything(db, { query: "#12" });
    expect(result.exact).toEqual([
      expect.objectContaining({
        kind: "pull-request",
        name: "#12",
        sha: sha.percent,
        text: "Make checkout 50% faster",
      }),
    ]);
    expect(result.text).toEqual([]);
    expect((await searchEverything(db, { query: "#99" })).exact).toEqual([]);
  });

  it("matches % and _ literally in messages and PR titles", async () => {
    const percent = await searchEverything(db, { query: "100%" });
    expect(percent.text.map((h) => h.sha)).toEqual([sha.percent]);
    // "50%" is in a PR title only; a wildcard % would also match "100% now".
    const titles = await searchEverything(db, { query: "0%" });
    expect(titles.text.map((h) => `${h.kind}:${h.name}`).sort()).toEqual([
      `message:${sha.percent}`,
      "pull-request:#12",
    ]);
    // A wildcard _ would match the space in "Discount is".
    const underscore = await searchEverything(db, { query: "Discount_is" });
    expect(underscore.text).toEqual([]);
    expect((await searchEverything(db, { query: "cart_total" })).text.map((h) => h.sha)).toEqual([
      sha.underscore,
    ]);
  });

  it("lists several hits without picking one, cuts at the limit and says so", async () => {
    const result = await searchEverything(db, { query: "e", limit: 2 });
    expect(uniqueHit(result)).toBeNull();
    expect(result.truncated).toBe(true);
    expect(result.text.filter((h) => h.kind === "message")).toHaveLength(2);
    const none = await searchEverything(db, { query: "no such words anywhere" });
    expect([...none.exact, ...none.text]).toEqual([]);
  });

  it("with stopAtUniqueExact, skips the text search only when one exact hit will be opened", async () => {
    // A unique SHA prefix: its text search (no message quotes it) is skipped, the answer to open is the same.
    const quoted = sha.hostile!.slice(0, 10);
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM \"commit\" WHERE message ILIKE '%' || $1 || '%'",
      [quoted],
    );
    expect(rows[0]!.n).toBe(0);
    for (const query of [
      quoted,
      "v1.0.0",
      "#12",
      HOSTILE_BRANCH,
      "total",
      "zzz-nothing",
      sha.root!.slice(0, 4),
    ]) {
      const full = await searchEverything(db, { query });
      const quick = await searchEverything(db, { query, stopAtUniqueExact: true });
      expect(uniqueHit(quick)).toEqual(uniqueHit(full));
      expect(quick.exact).toEqual(full.exact);
      if (full.exact.length === 1) expect(quick.text).toEqual([]);
      else expect(quick).toEqual(full);
    }
  });

  it("escapes LIKE's special characters", () => {
    expect(escapeLike("100%_a\\b")).toBe("100\\%\\_a\\\\b");
  });
});
