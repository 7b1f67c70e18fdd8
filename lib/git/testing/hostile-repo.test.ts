import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git, gitResult } from "./git";
import { buildHostileRepository } from "./hostile-repo";
import { HOSTILE_BRANCHES, HOSTILE_GIT_NAMES, HOSTILE_MESSAGES, HOSTILE_TAGS } from "./hostile-strings";

const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("buildHostileRepository", () => {
  const repo = buildHostileRepository(path.join(dir, "clone"));

  it("names every hostile branch and tag with a ref git accepts, pointing where it says", () => {
    for (const name of [
      ...HOSTILE_BRANCHES.map((b) => `refs/heads/${b}`),
      ...HOSTILE_TAGS.map((t) => `refs/tags/${t}`),
    ])
      expect(gitResult(dir, ["check-ref-format", name]).status).toBe(0);
    for (const [tag, sha] of Object.entries(repo.tags))
      expect(git(repo.dir, ["rev-parse", `refs/tags/${tag}^{commit}`]).trim()).toBe(sha);
    for (const [branch, sha] of Object.entries(repo.branches))
      expect(git(repo.dir, ["rev-parse", `refs/heads/${branch}`]).trim()).toBe(sha);
    expect(Object.keys(repo.tags).sort()).toEqual([...HOSTILE_TAGS].sort());
  });

  it("stores each message and author name in the commit objects byte for byte", () => {
    for (const m of HOSTILE_MESSAGES) expect(repo.commits.map((c) => c.message)).toContain(m);
    for (const c of repo.commits) {
      const raw = git(repo.dir, ["cat-file", "commit", c.sha]);
      expect(raw.slice(raw.indexOf("\n\n") + 2)).toBe(c.message);
      expect(raw).toContain(`\nauthor ${c.authorName} <`);
    }
    expect(new Set(repo.commits.map((c) => c.authorName))).toEqual(new Set(HOSTILE_GIT_NAMES));
  });
});
