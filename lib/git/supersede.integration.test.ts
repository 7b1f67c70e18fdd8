// Superseded vs dropped removed commits must equal what `git cherry -v <new> <old>` says
// for every event, on histories built with real git: maintenance branches whose fixes are
// cherry-picked to main (and main fixes backported), tags on both, merges on the
// maintenance line, empty commits, and a rollback tag on an older commit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRepositoryConfig } from "../config/schema";
import { openTestDatabase } from "../db/testing/test-db";
import { diffRevisions } from "../lineage/diff";
import { findEnvironmentEvents } from "../lineage/events-query";
import { findWhere } from "../lineage/where";
import { importGit } from "./import-git";
import { mulberry32 } from "./testing/build-history";
import { commitEnv, git, gitLines, initRepo } from "./testing/git";

const REPO = "acme/cherry";
const repoConfig: TRepositoryConfig = {
  repo: REPO,
  environments: [{ name: "prod", source: { tags: "v*" } }],
};

let clock = 1_700_000_000;
const tick = () => (clock += 60);
const env = () => ({ env: commitEnv(tick()) });

function write(dir: string, file: string, text: string) {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  git(dir, ["add", file]);
}
function commit(dir: string, message: string, opts: string[] = []): string {
  git(dir, ["commit", "-q", ...opts, "-m", message], undefined, env());
  return git(dir, ["rev-parse", "HEAD"]).trim();
}
function cherryPick(dir: string, sha: string): string {
  git(dir, ["cherry-pick", "-x", sha], undefined, env());
  return git(dir, ["rev-parse", "HEAD"]).trim();
}
function tag(dir: string, name: string, target = "HEAD") {
  git(dir, ["tag", "-a", "-m", name, name, target], undefined, env());
}

/**
 * main gets features (editing shared files, so path sets collide) and tags v1.N.0; each
 * release line release/1.N gets fixes (new files, or edits of a shared file), tagged
 * v1.N.k; most fixes are cherry-picked to main, some main fixes are backported, one fix
 * per line is never picked (dropped when main's next release ships). Tags alternate lines.
 */
function buildCherryHistory(dir: string, seed: number): void {
  const rand = mulberry32(seed);
  initRepo(dir);
  write(dir, "app.txt", "app\n");
  write(dir, "lib/core.txt", "core\n");
  commit(dir, "root");
  let fixNo = 0;
  let feature = 0;
  const lines: string[] = [];
  for (let minor = 0; minor < 4; minor++) {
    git(dir, ["checkout", "-q", "main"]);
    for (let i = 0; i < 3; i++) {
      feature++;
      write(dir, rand() < 0.5 ? "app.txt" : "lib/core.txt", `feature ${feature}\n`);
      commit(dir, `feature ${feature}`);
    }
    if (rand() < 0.5) commit(dir, `empty on main ${minor}`, ["--allow-empty"]);
    tag(dir, `v1.${minor}.0`);
    const line = `release/1.${minor}`;
    git(dir, ["branch", line]);
    lines.push(line);
    // Patch releases of the older lines, interleaved with main's releases.
    for (const l of lines) {
      git(dir, ["checkout", "-q", l]);
      const picks: string[] = [];
      for (let k = 0; k < 2; k++) {
        fixNo++;
        let sha: string;
        if (rand() < 0.3) {
          // A fix through a merged branch: the merge itself has no patch-id.
          git(dir, ["checkout", "-q", "-b", `pr-${fixNo}`]);
          write(dir, `fixes/${fixNo}.txt`, `fix ${fixNo}\n`);
          sha = commit(dir, `fix ${fixNo} (PR)`);
          git(dir, ["checkout", "-q", l]);
          git(dir, ["merge", "-q", "--no-ff", "-m", `Merge pr-${fixNo}`, `pr-${fixNo}`], undefined, env());
        } else if (rand() < 0.2) {
          sha = commit(dir, `empty fix ${fixNo}`, ["--allow-empty"]);
        } else {
          write(dir, `fixes/${fixNo}.txt`, `fix ${fixNo}\n`);
          sha = commit(dir, `fix ${fixNo}`);
        }
        // Most fixes reach main too; some never do. The newest line's all do (cli/cli's case:
        // the next main release then removes the patch release's commits, all superseded).
        if (l === line || rand() < 0.75) picks.push(sha);
      }
      if (l !== line) {
        // A fix on the line's copy of a shared file: same path as main's features, other change.
        write(dir, "app.txt", `line fix ${l} ${fixNo}\n`);
        commit(dir, `line-only fix on ${l}`);
      }
      tag(dir, `v1.${l.split(".")[1]}.${fixNo}`);
      git(dir, ["checkout", "-q", "main"]);
      for (const p of picks) {
        const isEmpty = gitLines(dir, ["diff-tree", "--no-commit-id", "-r", p]).length === 0;
        if (isEmpty) git(dir, ["cherry-pick", "-x", "--allow-empty", p], undefined, env());
        else cherryPick(dir, p);
      }
    }
    // A main fix backported to the newest line.
    fixNo++;
    write(dir, `fixes/${fixNo}.txt`, `main fix ${fixNo}\n`);
    const mainFix = commit(dir, `main fix ${fixNo}`);
    git(dir, ["checkout", "-q", line]);
    cherryPick(dir, mainFix);
    tag(dir, `v1.${minor}.${fixNo}-backport`);
  }
  // A rollback: prod goes back to an older main release.
  git(dir, ["checkout", "-q", "main"]);
  tag(dir, "v1.3.99-rollback", "v1.2.0^{}");
  // And forward again.
  tag(dir, "v1.4.0", "main");
}

interface CherrySplit {
  superseded: string[];
  dropped: string[];
}

/** git's own answer: `-` lines are superseded, `+` lines dropped (merges are not listed). */
function gitCherry(dir: string, upstream: string, head: string): CherrySplit {
  const out: CherrySplit = { superseded: [], dropped: [] };
  for (const line of gitLines(dir, ["cherry", upstream, head])) {
    const [sign, sha] = line.split(" ");
    (sign === "-" ? out.superseded : out.dropped).push(sha!);
  }
  return { superseded: out.superseded.sort(), dropped: out.dropped.sort() };
}

const isMerge = (dir: string, sha: string) =>
  gitLines(dir, ["rev-list", "--parents", "-n", "1", sha])[0]!.split(" ").length > 2;

let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-cherry-"));
  buildCherryHistory(dir, 7);
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig });
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("superseded and dropped removed commits", () => {
  it("splits every event's removed commits as git cherry does, merges by what they reach", async () => {
    const events = await findEnvironmentEvents(db, { repo: REPO, environment: "prod" });
    let checked = 0;
    let superseded = 0;
    let dropped = 0;
    for (let i = 1; i < events.length; i++) {
      const [p, e] = [events[i - 1]!, events[i]!];
      const want = gitCherry(dir, e.sha, p.sha);
      const diff = await diffRevisions(db, { repo: REPO, from: p.sha, to: e.sha });
      const ours = {
        superseded: diff
          .superseded!.map((c) => c.sha)
          .filter((s) => !isMerge(dir, s))
          .sort(),
        dropped: diff
          .dropped!.map((c) => c.sha)
          .filter((s) => !isMerge(dir, s))
          .sort(),
      };
      expect(ours, `${p.ref} -> ${e.ref}`).toEqual(want);
      // A removed merge is dropped exactly when it reaches a dropped commit.
      for (const m of diff.removed.map((c) => c.sha).filter((s) => isMerge(dir, s))) {
        const reaches = want.dropped.some((d) => isAncestor(d, m));
        expect(
          diff.dropped!.some((c) => c.sha === m),
          `${m} in ${e.ref}`,
        ).toBe(reaches);
      }
      expect(e.superseded).toBe(diff.superseded!.length);
      expect(e.dropped).toBe(diff.dropped!.length);
      expect(e.rollback).toBe(want.dropped.length > 0);
      expect(e.pureRollback).toBe(e.removed > 0 && e.added === 0);
      checked++;
      superseded += want.superseded.length;
      dropped += want.dropped.length;
    }
    // The history must exercise every case, or the comparison proves little.
    expect(checked).toBeGreaterThan(10);
    expect(superseded).toBeGreaterThan(5);
    expect(dropped).toBeGreaterThan(5);
    expect(events.some((e) => e.removed > 0 && !e.rollback)).toBe(true);
    expect(events.find((e) => e.ref === "v1.3.99-rollback")).toMatchObject({
      pureRollback: true,
      rollback: true,
    });
  });

  it("says in where whether the latest event that removed a commit still has its change", async () => {
    const events = await findEnvironmentEvents(db, { repo: REPO, environment: "prod" });
    const latest = events[events.length - 1]!.sha;
    const removedOnce = new Set(
      events.slice(1).flatMap((e, i) => gitLines(dir, ["rev-list", `${e.sha}..${events[i]!.sha}`])),
    );
    const gone = [...removedOnce].filter((s) => !isAncestor(s, latest) && !isMerge(dir, s));
    const seen = new Set<boolean>();
    for (const sha of gone) {
      // git's answer: the latest event whose predecessor has the commit and which does not.
      let k = events.length - 1;
      while (!(isAncestor(sha, events[k - 1]!.sha) && !isAncestor(sha, events[k]!.sha))) k--;
      const expected = gitCherry(dir, events[k]!.sha, events[k - 1]!.sha).superseded.includes(sha);
      const [res] = await findWhere(db, { repo: REPO, revisions: [sha] });
      expect(res!.environments[0]!.current).toBe(false);
      expect(res!.environments[0]!.removedBy).toMatchObject({ ref: events[k]!.ref, superseded: expected });
      seen.add(expected);
    }
    expect([...seen].sort()).toEqual([false, true]);
  });
});

function isAncestor(a: string, b: string): boolean {
  try {
    git(dir, ["merge-base", "--is-ancestor", a, b]);
    return true;
  } catch {
    return false;
  }
}
