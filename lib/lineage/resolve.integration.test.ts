import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../db/testing/test-db";
import { importGit } from "../git/import-git";
import { buildHistory } from "../git/testing/build-history";
import { git, gitLines } from "../git/testing/git";
import { getRepositoryOrThrow } from "./repositories";
import { resolveRevision } from "./resolve";

const REPO = "acme/resolve";
let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;
let repoId: number;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-resolve-"));
  buildHistory(dir, {
    seed: 3,
    commits: 400,
    tags: 12,
    maintenanceBranches: 1,
    octopus: true,
    crissCross: true,
  });
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig: { repo: REPO, environments: [] } });
  repoId = (await getRepositoryOrThrow(db, REPO)).id;
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const gitSha = (rev: string) => git(dir, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]).trim();

describe("resolveRevision with ancestry suffixes", () => {
  it("resolves ~N, ^N and ^{} as git rev-parse does, through merges and octopus merges", async () => {
    const tag = gitLines(dir, ["tag", "--list"])[0]!;
    const merges = gitLines(dir, ["rev-list", "--merges", "--branches"]).slice(0, 5);
    const octopus = gitLines(dir, ["rev-list", "--min-parents=3", "--branches"])[0]!;
    const revisions = [
      "main~1",
      "main~7",
      "main^",
      "main^0",
      "main^1^1",
      "main~2^1~3",
      `${tag}^{}`,
      `${tag}^{commit}~2`,
      `${tag}~0`,
      ...merges.flatMap((m) => [`${m}^2`, `${m.slice(0, 10)}^2~1`, `${m}^1`]),
      `${octopus}^3`,
      `${octopus}^3~1`,
    ];
    for (const rev of revisions) {
      expect((await resolveRevision(db, repoId, rev)).sha, rev).toBe(gitSha(rev));
    }
  });

  it("says what is missing when the ancestry runs out, and refuses other syntax", async () => {
    const depth = gitLines(dir, ["rev-list", "--first-parent", "main"]).length;
    await expect(resolveRevision(db, repoId, `main~${depth}`)).rejects.toThrow(
      /fewer than \d+ first parents/,
    );
    const single = gitLines(dir, ["rev-list", "--no-merges", "-1", "main"])[0]!;
    await expect(resolveRevision(db, repoId, `${single}^2`)).rejects.toThrow(/has no parent 2/);
    // Counts beyond PostgreSQL's int: not found, not a failed query.
    await expect(resolveRevision(db, repoId, "main~99999999999999999999")).rejects.toThrow(
      /fewer than 100000000000000000000 first parents/,
    );
    await expect(resolveRevision(db, repoId, "main^4294967297")).rejects.toThrow(/has no parent 4294967297/);
    await expect(resolveRevision(db, repoId, "main@{1}")).rejects.toThrow(/unknown revision/);
    await expect(resolveRevision(db, repoId, "main^{tree}")).rejects.toThrow(/unsupported revision syntax/);
  });
});
