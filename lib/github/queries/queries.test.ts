import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { analyzeQuery } from "../simulator/cost";
import { githubSchema, validateQuery } from "../simulator/schema";
import { allQueryDocuments, MAX_ONE_POINT_REQUESTS } from "./index";

// Static: no server, no network. A misspelt field or a wrong argument fails here, against the
// schema GitHub publishes, before any sync could send it.
describe("GitHub query documents", () => {
  const documents = allQueryDocuments();

  it.each(documents.map((d) => [d.name, d] as const))(
    "%s validates against GitHub's published schema",
    (_name, d) => {
      expect(validateQuery(d.document).map((e) => e.message)).toEqual([]);
    },
  );

  it.each(documents.map((d) => [d.name, d] as const))(
    "%s costs one point and stays within GitHub's pagination and node limits",
    (_name, d) => {
      const analysis = analyzeQuery(githubSchema(), parse(d.document), null, d.variables);
      expect(analysis.errors).toEqual([]);
      expect(analysis.requests).toBeLessThanOrEqual(MAX_ONE_POINT_REQUESTS);
      expect(analysis.cost).toBe(1);
    },
  );

  it("covers every operation the sync sends", () => {
    const names = new Set(documents.map((d) => /query (\w+)/.exec(d.document)?.[1]));
    expect([...names].sort()).toEqual(
      [
        "AllDeploymentReviews",
        "BranchHeads",
        "CheckRuns",
        "CommitHistory",
        "CommitObjects",
        "CommitSuites",
        "DeploymentReviews",
        "DeploymentStatuses",
        "Deployments",
        "Environments",
        "PullRequestCommits",
        "PullRequestReviews",
        "PullRequestTimeline",
        "PullRequests",
        "Releases",
        "Tags",
      ].sort(),
    );
  });

  it("rejects a document with a field GitHub does not have", () => {
    const broken = documents[0]!.document.replace("committedViaWeb", "commitedViaWeb");
    const errors = validateQuery(broken).map((e) => e.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Cannot query field "commitedViaWeb" on type "Commit"/);
  });
});
