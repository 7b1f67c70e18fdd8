import { describe, expect, it } from "vitest";
import { batchItems, batchVariables, expandBatch } from "./batch";
import { DEPLOYMENT_REVIEWS_PER_RUN, ENVIRONMENT_PAGE } from "./cost";
import { CheckRunsDocument, DeploymentReviewsDocument, EnvironmentsDocument } from "./generated";
import { checkRunsQuery, deploymentsQuery } from "./index";

describe("batch documents", () => {
  it("repeats the aliased template field and its variables n times", () => {
    const text = checkRunsQuery(3).toString();
    expect(text.match(/\bs\d+: node\(id: \$s\d+\)/g)).toEqual([
      "s0: node(id: $s0)",
      "s1: node(id: $s1)",
      "s2: node(id: $s2)",
    ]);
    expect(text).toContain("checkRuns(first: 100, after: $a2)");
    expect(text).toMatch(
      /query CheckRuns\(\$s0: ID!, \$s1: ID!, \$s2: ID!, \$a0: String, \$a1: String, \$a2: String\)/,
    );
    // Fragments are kept once, not repeated with the template.
    expect(text.match(/fragment SuiteFields on CheckSuite/g)).toHaveLength(1);
  });

  it("drops the template (and its variables) for a batch of none", () => {
    const text = deploymentsQuery(0).toString();
    expect(text).not.toMatch(/\br0\b|\$r0/);
    expect(text).toMatch(/deployments\(\s*first: \$first\s+after: \$after/);
  });

  it("refuses a batch larger than the document was costed for", () => {
    expect(() => checkRunsQuery(150)).toThrow(/CheckRuns: batch of 150 outside 0\.\.149/);
  });

  it("reads each alias's answer in order, a missing alias as null", () => {
    const answer = { s0: { id: "a" }, s2: { id: "c" }, rateLimit: null };
    expect(batchItems(answer as { s0: { id: string } | null }, "s", 3)).toEqual([
      { id: "a" },
      null,
      { id: "c" },
    ]);
    expect(batchVariables("c", ["x", "y"])).toEqual({ c0: "x", c1: "y" });
  });

  it("leaves a document without a template alone", () => {
    const text = expandBatch(EnvironmentsDocument.toString(), 5);
    expect(text).toContain(`environments(first: ${ENVIRONMENT_PAGE}, after: $after)`);
    expect(CheckRunsDocument.toString()).toContain("s0: node(id: $s0)");
  });

  it("asks for as many deployment reviews per run as cost.ts assumes", () => {
    expect(DeploymentReviewsDocument.toString()).toContain(
      `deploymentReviews(first: ${DEPLOYMENT_REVIEWS_PER_RUN})`,
    );
  });
});
