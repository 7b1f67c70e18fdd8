import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { analyzeQuery } from "./cost.ts";
import { githubSchema, validateQuery } from "./schema.ts";

const QUERY_DIR = "/work/shared/design/github-queries";
const queryFiles = readdirSync(QUERY_DIR).filter((f) => f.endsWith(".graphql"));

const cost = (query: string, variables: Record<string, unknown> = {}) =>
  analyzeQuery(githubSchema(), parse(query), undefined, variables);

describe("githubSchema", () => {
  it("loads GitHub's published schema once", () => {
    const schema = githubSchema();
    expect(schema).toBe(githubSchema());
    expect(schema.getType("GpgSignature")).toBeDefined();
    expect(schema.getQueryType()?.getFields().rateLimit).toBeDefined();
  });

  it.each(queryFiles)("accepts the project query %s", (file) => {
    expect(validateQuery(readFileSync(join(QUERY_DIR, file), "utf8"))).toEqual([]);
  });

  it("rejects unknown fields and bad syntax", () => {
    expect(validateQuery('{ repository(owner: "a", name: "b") { nope } }')[0]?.message).toMatch(/nope/);
    expect(validateQuery("{ repository(")).toHaveLength(1);
  });
});

describe("cost formula", () => {
  it("matches the documented example (5,101 requests → 51 points)", () => {
    const a = cost(`query { viewer { login repositories(first: 100) { edges { node { id
      issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name } } } } } } } } } } }`);
    expect(a.requests).toBe(5101);
    expect(a.cost).toBe(51);
    expect(a.nodeCount).toBe(100 + 100 * 50 + 100 * 50 * 60);
  });

  it("matches the design doc's estimates for the project queries", () => {
    const expected: Record<string, { cost: number; nodeCount: number }> = {
      "Q1_commits.graphql": { cost: 2, nodeCount: 500 },
      "Q2_prs.graphql": { cost: 2, nodeCount: 6100 },
      "Q3_tags.graphql": { cost: 1, nodeCount: 200 },
      "Q4_ci.graphql": { cost: 3, nodeCount: 1750 },
      "Q5_deploy.graphql": { cost: 1, nodeCount: 1100 },
      "Q6_envs.graphql": { cost: 2, nodeCount: 1400 },
    };
    for (const file of queryFiles) {
      const a = cost(readFileSync(join(QUERY_DIR, file), "utf8"));
      expect({ cost: a.cost, nodeCount: a.nodeCount }, file).toEqual(expected[file]);
      expect(a.errors).toEqual([]);
    }
  });

  it("uses variables, fragments, and a minimum of 1", () => {
    expect(cost("{ rateLimit { cost } }").cost).toBe(1);
    const q = `query($n: Int) { repository(owner: "a", name: "b") { ...R } }
      fragment R on Repository { pullRequests(first: $n) { nodes { reviews(first: 100) { totalCount } } } }`;
    expect(cost(q, { n: 100 }).requests).toBe(101);
    expect(cost(q, { n: 20 }).requests).toBe(21);
  });

  it("reports pagination and node-limit violations", () => {
    const missing = cost('{ repository(owner: "a", name: "b") { pullRequests { nodes { number } } } }');
    expect(missing.errors[0]).toMatchObject({
      type: "MISSING_PAGINATION_BOUNDARIES",
      path: ["repository", "pullRequests"],
    });
    expect(cost('{ repository(owner: "a", name: "b") { pullRequests { totalCount } } }').errors).toEqual([]);
    const big = cost(
      '{ repository(owner: "a", name: "b") { pullRequests(first: 101) { nodes { number } } } }',
    );
    expect(big.errors[0]?.message).toBe(
      "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100 records.",
    );
    const huge = cost(`{ repository(owner: "a", name: "b") { pullRequests(first: 100) { nodes {
      commits(first: 100) { nodes { commit { checkSuites(first: 100) { nodes { databaseId } } } } } } } } }`);
    expect(huge.errors.map((e) => e.type)).toEqual(["MAX_NODE_LIMIT_EXCEEDED"]);
  });

  it("detects rateLimit(dryRun: true)", () => {
    expect(cost("{ rateLimit(dryRun: true) { cost } }").dryRun).toBe(true);
    expect(cost("query($d: Boolean) { rateLimit(dryRun: $d) { cost } }", { d: false }).dryRun).toBe(false);
  });
});
