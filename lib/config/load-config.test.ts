import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { getRepositoryConfigOrThrow, loadConfig, parseConfig } from "./load-config";

const valid = {
  repositories: [
    {
      repo: "acme/shop",
      environments: [
        { name: "dev", source: { branch: "develop" } },
        { name: "test", source: { deployments: "test" } },
        { name: "prod", source: { tags: "v*" } },
      ],
    },
  ],
};

function errorOf(text: string): AppError {
  try {
    parseConfig(text, "lineage.config.json");
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error("expected parseConfig to throw");
}

function withEnv(mutate: (c: typeof valid) => unknown): string {
  const copy = structuredClone(valid);
  mutate(copy);
  return JSON.stringify(copy);
}

describe("parseConfig", () => {
  it("accepts a file saved with a byte-order mark", () => {
    expect(parseConfig(`\uFEFF${JSON.stringify(valid)}`, "f.json").repositories).toHaveLength(1);
  });

  it("accepts the product's example config", () => {
    const config = parseConfig(JSON.stringify(valid), "f.json");
    expect(config.repositories[0]!.environments.map((e) => e.name)).toEqual(["dev", "test", "prod"]);
  });

  it.each([
    ["bad JSON", "{ repositories: [", /^lineage\.config\.json: invalid JSON: /],
    ["an unknown top-level key", JSON.stringify({ ...valid, extra: 1 }), /: unknown key "extra"$/],
    [
      "an unknown environment key",
      withEnv((c) => Object.assign(c.repositories[0]!.environments[0]!, { colour: "red" })),
      /repositories\[0\]\.environments\[0\]: unknown key "colour"/,
    ],
    [
      "a duplicate environment",
      withEnv((c) => c.repositories[0]!.environments.push({ name: "prod", source: { tags: "r*" } })),
      /repositories\[0\]\.environments\[3\]\.name: duplicate environment "prod"/,
    ],
    [
      "a bad glob",
      withEnv((c) => {
        c.repositories[0]!.environments[2]!.source = { tags: "v[0-9" };
      }),
      /repositories\[0\]\.environments\[2\]\.source\.tags: bad glob "v\[0-9"/,
    ],
    [
      "a source with two kinds",
      withEnv((c) => {
        (c.repositories[0]!.environments[0]!.source as object) = { branch: "main", tags: "v*" };
      }),
      /environments\[0\]\.source: must be exactly one of .*, not "tags" and "branch"$/,
    ],
    [
      "a misspelt source kind",
      withEnv((c) => {
        (c.repositories[0]!.environments[2]!.source as object) = { tag: "v*" };
      }),
      /environments\[2\]\.source: unknown key "tag"$/,
    ],
    [
      "an empty source",
      withEnv((c) => {
        (c.repositories[0]!.environments[2]!.source as object) = {};
      }),
      /environments\[2\]\.source: must be exactly one of \{"tags": "<glob>"\}, \{"branch": "<name>"\} or \{"deployments": "<glob>"\}$/,
    ],
    [
      "a misspelt required key",
      JSON.stringify({ repositories: [{ repo: "a/b", environment: [] }] }),
      /repositories\[0\]: unknown key "environment"$/,
    ],
    [
      "a bad repo name",
      withEnv((c) => {
        c.repositories[0]!.repo = "acme";
      }),
      /repositories\[0\]\.repo: repo must be "owner\/name"/,
    ],
    [
      "a bad branch name",
      withEnv((c) => {
        c.repositories[0]!.environments[0]!.source = { branch: "feature..x" };
      }),
      /environments\[0\]\.source\.branch: bad branch name/,
    ],
    ["a missing repositories list", "{}", /repositories: /],
  ])("rejects %s with one line naming the field", (_what, text, pattern) => {
    const err = errorOf(text);
    expect(err.code).toBe("INVALID_CONFIG");
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(pattern);
    expect(err.message).not.toContain("\n");
  });
});

describe("loadConfig", () => {
  it("names a missing config file as missing, explicit or default, unless the command needs none", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-config-"));
    expect(() => loadConfig(path.join(dir, "nope.json"))).toThrow(/no such config file/);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(() => loadConfig()).toThrow(
        /^no config file: lineage\.config\.json is not in .* \(create it, or give --config FILE\)$/,
      );
      expect(loadConfig(undefined, { optional: true }).repositories).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("names an unknown repository and lists the configured ones", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "lineage-config-"));
    const file = path.join(dir, "c.json");
    writeFileSync(file, JSON.stringify(valid));
    const config = loadConfig(file);
    expect(getRepositoryConfigOrThrow(config, "ACME/shop").repo).toBe("acme/shop");
    expect(() => getRepositoryConfigOrThrow(config, "acme/nope")).toThrow(
      /unknown repository "acme\/nope".*configured: acme\/shop/,
    );
  });
});
