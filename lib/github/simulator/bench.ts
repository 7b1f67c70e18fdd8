import { createScenario, type SizeName, scenarioSummary } from "./scenario.ts";
import { startSimulator } from "./server.ts";

export interface SimulatorBenchResult {
  size: SizeName;
  buildMs: number;
  heapMb: number;
  summary: ReturnType<typeof scenarioSummary>;
  simpleQueryPerSecond: number;
  historyPageMs: number;
  historyPages: number;
  simulatorMs: number;
}

const SIMPLE = `query Simple($o: String!, $n: String!) { rateLimit { cost remaining }
  repository(owner: $o, name: $n) { name defaultBranchRef { name target { oid } } } }`;
const HISTORY = `query History($after: String) { repository(owner: "acme", name: "shop") { ref(qualifiedName: "main") {
  target { ... on Commit { history(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
    nodes { oid messageHeadline committedDate signature { state } parents(first: 3) { nodes { oid } }
      associatedPullRequests(first: 1) { nodes { number } } statusCheckRollup { state } } } } } } } }`;

/** Measures scenario build time, simple-query throughput and history paging cost over real HTTP. */
export async function benchSimulator(
  opts: { size?: SizeName; requests?: number; concurrency?: number } = {},
) {
  const size = opts.size ?? "large";
  const started = performance.now();
  const scenario = createScenario({ seed: 1, size });
  const buildMs = performance.now() - started;
  // Heap in use right after the build (includes whatever the process held before).
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  const sim = await startSimulator({ scenario, rateLimit: { limit: 2_000_000_000 } });
  const post = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(sim.url, {
      method: "POST",
      headers: { authorization: "bearer bench" },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data: Record<string, unknown> };
  };
  try {
    const total = opts.requests ?? 2000;
    let issued = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency ?? 4 }, async () => {
        while (issued++ < total) await post(SIMPLE, { o: "acme", n: "shop" });
      }),
    );
    const simpleQueryPerSecond = total / ((performance.now() - t0) / 1000);

    let after: string | null = null;
    let historyPages = 0;
    const t1 = performance.now();
    do {
      const body = await post(HISTORY, { after });
      const history = (body.data.repository as { ref: { target: { history: never } } }).ref.target
        .history as {
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
      historyPages += 1;
      after = history.pageInfo.hasNextPage ? history.pageInfo.endCursor : null;
    } while (after);
    const historyPageMs = (performance.now() - t1) / historyPages;
    return {
      size,
      buildMs,
      heapMb,
      summary: scenarioSummary(scenario),
      simpleQueryPerSecond,
      historyPageMs,
      historyPages,
      simulatorMs: sim.stats.timeInSimulatorMs,
    } satisfies SimulatorBenchResult;
  } finally {
    await sim.close();
  }
}
