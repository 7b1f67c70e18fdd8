import { describe, expect, it } from "vitest";
import { createScenario, scenarioSummary } from "./scenario.ts";
import { startSimulator } from "./server.ts";

describe("large scenario", () => {
  it("builds ≥20k commits, 4k PRs, 20k check suites and 3k deployments in a few seconds", async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const scn = createScenario({ seed: 2024, size: "large" });
    const buildMs = performance.now() - started;
    const sum = scenarioSummary(scn);
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    console.log(
      `large scenario: ${JSON.stringify(sum)} built in ${buildMs.toFixed(0)} ms, ~${heapMb.toFixed(0)} MB heap`,
    );
    expect(sum.commits).toBeGreaterThanOrEqual(20_000);
    expect(sum.pullRequests).toBeGreaterThanOrEqual(4_000);
    expect(sum.reviews / sum.pullRequests).toBeGreaterThan(1.5);
    expect(sum.checkSuites).toBeGreaterThanOrEqual(20_000);
    expect(sum.deployments).toBeGreaterThanOrEqual(3_000);
    expect(buildMs).toBeLessThan(10_000);
    expect(heapMb).toBeLessThan(600);

    // The server indexes it quickly and pages the longest history without trouble.
    const sim = await startSimulator({ scenario: scn, rateLimit: { limit: 1_000_000 } });
    try {
      const query = `query($after: String) { repository(owner: "acme", name: "shop") { ref(qualifiedName: "test") {
        target { ... on Commit { history(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { oid } } } } } } }`;
      const t = performance.now();
      const seen = new Set<string>();
      let after: string | null = null;
      let total = 0;
      do {
        const res = await fetch(sim.url, {
          method: "POST",
          headers: { authorization: "bearer x" },
          body: JSON.stringify({ query, variables: { after } }),
        });
        const history = (
          (await res.json()) as { data: { repository: { ref: { target: { history: never } } } } }
        ).data.repository.ref.target.history as {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          nodes: { oid: string }[];
        };
        total = history.totalCount;
        for (const n of history.nodes) seen.add(n.oid);
        after = history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
      } while (after);
      console.log(`paged ${seen.size} commits of acme/shop test in ${(performance.now() - t).toFixed(0)} ms`);
      expect(seen.size).toBe(total);
      expect(total).toBeGreaterThan(2000);
    } finally {
      await sim.close();
    }
  });
});
