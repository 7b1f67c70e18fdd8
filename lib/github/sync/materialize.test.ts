import { describe, expect, it } from "vitest";
import { CommitGraph } from "../../lineage/graph";
import type { StagedCommit } from "../../store/github-commits";
import { deploymentCounts, deploymentEvents, orderParentsFirst } from "./materialize";

const staged = (sha: string, parents: string[], at: number): StagedCommit => ({
  sha,
  parentShas: parents,
  message: sha,
  authorName: null,
  authorEmail: null,
  authoredAtMs: at,
  committerName: null,
  committerEmail: null,
  committedAtMs: at,
});

describe("orderParentsFirst", () => {
  it("puts every commit after its parents, whatever order they were staged in", () => {
    const graph = new CommitGraph();
    graph.add("root", [], 0);
    // c's date is earlier than its parent b's (clock skew): parents still come first.
    const commits = [
      staged("d", ["c", "b"], 4),
      staged("c", ["b"], 1),
      staged("b", ["a"], 3),
      staged("a", ["root"], 2),
    ];
    const order = orderParentsFirst(commits, graph).map((c) => c.sha);
    expect(order).toEqual(["a", "b", "c", "d"]);
    expect(orderParentsFirst([...commits].reverse(), graph).map((c) => c.sha)).toEqual(order);
  });

  it("holds back commits whose ancestry is not all staged, with their descendants", () => {
    const graph = new CommitGraph();
    graph.add("root", [], 0);
    const commits = [
      staged("a", ["root"], 1),
      staged("b", ["a", "missing"], 2),
      staged("c", ["b"], 3),
      staged("x", ["a"], 4),
    ];
    expect(orderParentsFirst(commits, graph).map((c) => c.sha)).toEqual(["a", "x"]);
  });

  it("walks a long first-parent chain without recursion", () => {
    const graph = new CommitGraph();
    const chain = Array.from({ length: 50_000 }, (_, i) => staged(`c${i}`, i ? [`c${i - 1}`] : [], i));
    expect(orderParentsFirst([...chain].reverse(), graph)).toHaveLength(50_000);
  });
});

describe("deployment events", () => {
  it("count a deployment once it succeeded, also after it was superseded", () => {
    expect(deploymentCounts({ statuses: ["IN_PROGRESS", "SUCCESS"], state: "ACTIVE" })).toBe(true);
    expect(deploymentCounts({ statuses: ["IN_PROGRESS", "SUCCESS", "INACTIVE"], state: "INACTIVE" })).toBe(
      true,
    );
    expect(deploymentCounts({ statuses: ["WAITING", "FAILURE"], state: "FAILURE" })).toBe(false);
    expect(deploymentCounts({ statuses: ["IN_PROGRESS"], state: "IN_PROGRESS" })).toBe(false);
    expect(deploymentCounts({ statuses: ["INACTIVE"], state: "INACTIVE" })).toBe(false);
  });

  it("take the environments the glob matches, in order, and skip SHAs not in the graph", () => {
    const graph = new CommitGraph();
    graph.add("a", [], 0);
    graph.add("b", [0], 1);
    const dep = (databaseId: number, environment: string, sha: string, statuses: string[]) => ({
      databaseId,
      environment,
      sha,
      createdAtMs: databaseId * 1000,
      creatorLogin: "carol",
      refName: databaseId === 2 ? null : "v1",
      state: null,
      statuses,
    });
    const events = deploymentEvents(
      graph,
      [
        dep(1, "prod-eu", "a", ["SUCCESS"]),
        dep(2, "prod-us", "b", ["FAILURE"]),
        dep(3, "staging", "b", ["SUCCESS"]),
        dep(4, "prod-eu", "gone", ["SUCCESS"]),
      ],
      "prod-*",
    );
    expect(events).toEqual([
      {
        commit: 0,
        sha: "a",
        atMs: 1000,
        actor: "carol",
        source: "deployments",
        ref: "v1",
        counted: true,
        status: "SUCCESS",
      },
      {
        commit: 1,
        sha: "b",
        atMs: 2000,
        actor: "carol",
        source: "deployments",
        ref: "prod-us",
        counted: false,
        status: "FAILURE",
      },
    ]);
  });
});
