import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ENV_VARS } from "./run-git";

describe("REPOSITORY_ENV_VARS", () => {
  it("holds every variable this git names as repository-local", () => {
    const local = execFileSync("git", ["rev-parse", "--local-env-vars"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    expect(local.length).toBeGreaterThan(5);
    expect(REPOSITORY_ENV_VARS).toEqual(expect.arrayContaining(local));
  });
});
