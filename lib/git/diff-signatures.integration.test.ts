// The diff signature only rules out patch-id equality (lib/git/diff-signatures.ts), so the
// split must still equal `git cherry` where blobs differ but patch-ids do not: a change
// re-applied by hand with other whitespace, onto a file whose other lines differ, a binary
// file (signature unknown), a file without a final newline, a deleted file, and changes
// that touch the same path with different content (same path set, different signatures).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TRepositoryConfig } from "../config/schema";
import { openTestDatabase } from "../db/testing/test-db";
import { diffRevisions } from "../lineage/diff";
import { findEnvironmentEvents } from "../lineage/events-query";
import { readDiffSignatures } from "./diff-signatures";
import { importGit } from "./import-git";
import { commitEnv, git, gitLines, initRepo } from "./testing/git";

const REPO = "acme/whitespace";
const repoConfig: TRepositoryConfig = {
  repo: REPO,
  environments: [{ name: "prod", source: { tags: "v*" } }],
};

let clock = 1_700_000_000;
const env = () => {
  clock += 60;
  return { env: commitEnv(clock) };
};

function write(dir: string, file: string, text: string | Buffer) {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  git(dir, ["add", file]);
}
function commit(dir: string, message: string): string {
  git(dir, ["commit", "-q", "-m", message], undefined, env());
  return git(dir, ["rev-parse", "HEAD"]).trim();
}
function tag(dir: string, name: string) {
  git(dir, ["tag", "-a", "-m", name, name], undefined, env());
}
const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix} ${i}`).join("\n");

/**
 * release/1.0 gets fixes, each tagged v1.0.k; main re-applies some of them its own way and
 * is tagged v1.k.0 after; tags alternate between the lines.
 */
function build(dir: string): void {
  initRepo(dir);
  write(dir, "src/app.c", `${lines(20, "app line")}\nint f() {\n  return 1;\n}\n${lines(20, "tail")}\n`);
  write(dir, "src/other.c", `${lines(40, "other")}\n`);
  write(dir, "no-newline.txt", "first\nlast");
  write(dir, "gone.txt", "to be deleted\n");
  write(dir, "image.bin", Buffer.from([0, 1, 2, 3, 0, 5]));
  commit(dir, "root");
  tag(dir, "v1.0.0");
  git(dir, ["branch", "release/1.0"]);
  // main moves on: the far end of app.c changes, so main's blob of app.c differs from the line's.
  write(
    dir,
    "src/app.c",
    `${lines(20, "app line")}\nint f() {\n  return 1;\n}\n${lines(20, "tail")}\nint g();\n`,
  );
  commit(dir, "main: g");

  const onLine = (fn: () => void) => {
    git(dir, ["checkout", "-q", "release/1.0"]);
    fn();
    git(dir, ["checkout", "-q", "main"]);
  };
  // 1. A fix on the line, re-applied on main with other whitespace: superseded.
  onLine(() => {
    write(dir, "src/app.c", `${lines(20, "app line")}\nint f() {\n  return 2;\n}\n${lines(20, "tail")}\n`);
    commit(dir, "fix: f returns 2");
    tag(dir, "v1.0.1");
  });
  write(
    dir,
    "src/app.c",
    `${lines(20, "app line")}\nint f() {\n\treturn   2; \n}\n${lines(20, "tail")}\nint g();\n`,
  );
  commit(dir, "f returns 2 (by hand)");
  // 2. Same path, another change on each side: dropped.
  onLine(() => {
    write(dir, "src/other.c", `${lines(40, "other")}\nline fix\n`);
    commit(dir, "fix: other on the line");
    // 3. A binary change, cherry-picked to main below: superseded (signature unknown).
    write(dir, "image.bin", Buffer.from([0, 9, 9, 3, 0, 5]));
    commit(dir, "fix: image");
    // 4. A last line without a newline gains one: cherry-picked below.
    write(dir, "no-newline.txt", "first\nlast\n");
    commit(dir, "fix: final newline");
    // 5. A deletion, re-done on main.
    git(dir, ["rm", "-q", "gone.txt"]);
    commit(dir, "fix: remove gone.txt");
    tag(dir, "v1.0.2");
  });
  write(dir, "src/other.c", `${lines(40, "other")}\nmain fix\n`);
  commit(dir, "other on main");
  for (const subject of ["fix: image", "fix: final newline"]) {
    const sha = gitLines(dir, ["log", "--format=%H", `--grep=^${subject}$`, "release/1.0"])[0]!;
    git(dir, ["cherry-pick", sha], undefined, env());
  }
  git(dir, ["rm", "-q", "gone.txt"]);
  commit(dir, "remove gone.txt");
  tag(dir, "v1.1.0");
  onLine(() => {
    write(dir, "src/other.c", `${lines(40, "other")}\nline fix\nsecond\n`);
    commit(dir, "fix: second");
    tag(dir, "v1.0.3");
  });
  tag(dir, "v1.1.1");
}

function gitCherry(dir: string, upstream: string, head: string) {
  const out = { superseded: [] as string[], dropped: [] as string[] };
  for (const line of gitLines(dir, ["cherry", upstream, head])) {
    const [sign, sha] = line.split(" ");
    (sign === "-" ? out.superseded : out.dropped).push(sha!);
  }
  return { superseded: out.superseded.sort(), dropped: out.dropped.sort() };
}

let dir: string;
let db: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-ws-"));
  build(dir);
  db = await openTestDatabase();
  await importGit(db, { clonePath: dir, repoConfig });
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("diff signatures", () => {
  it("split every event as git cherry does where blobs differ but patch-ids are equal", async () => {
    const events = await findEnvironmentEvents(db, { repo: REPO, environment: "prod" });
    let superseded = 0;
    let dropped = 0;
    for (let i = 1; i < events.length; i++) {
      const [p, e] = [events[i - 1]!, events[i]!];
      const want = gitCherry(dir, e.sha, p.sha);
      const diff = await diffRevisions(db, { repo: REPO, from: p.sha, to: e.sha });
      const ours = {
        superseded: diff.superseded!.map((c) => c.sha).sort(),
        dropped: diff.dropped!.map((c) => c.sha).sort(),
      };
      expect(ours, `${p.ref} -> ${e.ref}`).toEqual(want);
      expect(e.superseded).toBe(want.superseded.length);
      superseded += want.superseded.length;
      dropped += want.dropped.length;
    }
    // The by-hand fix, the image, the newline and the deletion; the two other.c fixes.
    expect(superseded).toBeGreaterThanOrEqual(4);
    expect(dropped).toBeGreaterThanOrEqual(2);
  });

  it("tells the by-hand fix's signature equal and the binary one unknown", async () => {
    const sha = (grep: string, ref: string) =>
      gitLines(dir, ["log", "--format=%H", `--grep=${grep}`, ref])[0]!;
    const raw = (c: string) => {
      const out = git(dir, ["diff-tree", "-r", "--no-renames", "--no-abbrev", "-z", c])
        .split("\0")
        .filter(Boolean);
      const paths: string[] = [];
      const raws: string[] = [];
      for (let i = 1; i < out.length; i += 2) {
        raws.push(out[i]!);
        paths.push(out[i + 1]!);
      }
      return { paths, raws };
    };
    const commits = [
      sha("^fix: f returns 2$", "release/1.0"),
      sha("by hand", "main"),
      sha("^fix: other on the line$", "release/1.0"),
      sha("^other on main$", "main"),
      sha("^fix: image$", "release/1.0"),
    ];
    const sigs = await readDiffSignatures(dir, commits.map(raw));
    expect(sigs[0]).toBe(sigs[1]);
    expect(sigs[2]).not.toBe(sigs[3]);
    expect(Number.isNaN(sigs[4]!)).toBe(true);
  });
});
