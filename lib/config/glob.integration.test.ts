import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitAt, git, gitLines, initRepo } from "../git/testing/git";
import { compileGlob } from "./glob";

const TAGS = [
  "v1",
  "v1.0",
  "v1.0-rc1",
  "v10.0.0",
  "V2",
  "vA",
  "v-",
  "v/ab",
  "v!x",
  "v]x",
  "v_",
  "va",
  "v=x",
  "a.b/c.d",
  "a/b/c",
  "a/bc",
  "abc",
  "vé-ünï",
  "nightly/2026-01-01",
];

// Patterns where path globbing and git's wildmatch part ways, and the ordinary ones.
const PATTERNS = [
  "v*",
  "*",
  "v[!0-9]*",
  "v[!-]",
  "v[^0-9]*",
  "a?b*",
  "a*c",
  "a**c",
  "*/*",
  "v[!]]*",
  "v[]]x",
  "v[a-]",
  "v[-a]",
  "v[z-a]",
  "v[[:upper:]]",
  "v[![:alnum:]]*",
  "v[[:digit:]]*",
  "v[[:punct:]]*",
  "v[[:alpha:][:digit:]]",
  "v[=]x",
  "v?",
  "v??",
  "v?-ünï",
  "v??-ünï",
  "vé*",
  "v\\-",
  "v\\*",
  "nightly/*",
  "[vV][0-9]*",
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "lineage-glob-"));
  initRepo(dir);
  commitAt(dir, "one commit", 1_700_000_000);
  for (const tag of TAGS) git(dir, ["tag", tag]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compileGlob", () => {
  it.each(PATTERNS)("selects what git tag --list %j selects", (pattern) => {
    const matches = compileGlob(pattern);
    const ours = TAGS.filter((t) => matches(t)).sort();
    expect(ours).toEqual(gitLines(dir, ["tag", "--list", pattern]).sort());
  });

  it.each(["v[0-9", "v[!", "v[[:nope:]]", "v\\", ""])("rejects %j, which git cannot use", (pattern) => {
    expect(() => compileGlob(pattern)).toThrow();
  });
});
