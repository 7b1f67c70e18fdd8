// The trace bench's case: a trace of the last prod event whose candidates, with a path
// filter, number about 5,000 (the target size), found by bisecting over the good
// event. Used by bench/web.ts (API and page) and, on its own, by `npx tsx bench/trace.ts`,
// which imports the history into a scratch database and times traceIncident in-process.
import type { Db } from "../lib/db/client";
import { getCommitGraph } from "../lib/lineage/graph-cache";
import { getRepositoryOrThrow } from "../lib/lineage/repositories";
import { traceIncident } from "../lib/lineage/trace";
import { isAncestor } from "../lib/lineage/walk";

export const TRACE_PATH = "src/";
export const TRACE_CANDIDATES = 5_000;

export interface TraceCase {
  at: string;
  good: string;
  path: string;
  candidates: number;
}

export async function findTraceCase(db: Db, repo: string, environment = "prod"): Promise<TraceCase> {
  const { rows: all } = await db.pool.query<{ seq: number; at: string; idx: number }>(
    `SELECT p.seq, to_char(p.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, p.commit_idx AS idx
     FROM promotion_event p JOIN environment e ON e.id = p.env_id JOIN repository r ON r.id = e.repo_id
     WHERE lower(r.full_name) = lower($1) AND e.name = $2 AND p.counted ORDER BY p.seq`,
    [repo, environment],
  );
  // The latest event whose time no later event shares, so `at` names it alone.
  let last = all.length - 1;
  while (last > 0 && all[last - 1]!.at === all[last]!.at) last--;
  const suspect = all[last]!;
  // Good events on the suspect's own line (its ancestors), where candidates grow as good
  // moves back; an event of a maintenance branch would jump to a range of any size.
  const graph = await getCommitGraph(db, await getRepositoryOrThrow(db, repo));
  const rows = all.slice(0, last).filter((e) => isAncestor(graph, e.idx, suspect.idx));
  rows.push(suspect);
  const s = rows.length - 1;
  const count = async (i: number) =>
    (
      await traceIncident(db, {
        repo,
        environment,
        at: new Date(suspect.at),
        good: `${environment}@${rows[i]!.seq}`,
        paths: [TRACE_PATH],
      })
    ).candidates.length;
  // Candidates grow as good moves back: the latest good with at least TRACE_CANDIDATES.
  let lo = 0;
  let hi = s - 1;
  if ((await count(lo)) < TRACE_CANDIDATES) hi = lo;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await count(mid)) >= TRACE_CANDIDATES) lo = mid;
    else hi = mid - 1;
  }
  return {
    at: suspect.at,
    good: `${environment}@${rows[lo]!.seq}`,
    path: TRACE_PATH,
    candidates: await count(lo),
  };
}

async function main() {
  const { ensureHistory } = await import("./history");
  const { createEmptyDatabase } = await import("../lib/db/testing/databases");
  const { applyMigrations } = await import("../lib/db/migrate");
  const { openDatabase } = await import("../lib/db/client");
  const { importGit } = await import("../lib/git/import-git");
  const { summarise } = await import("./stats");
  const { dir } = ensureHistory();
  const repo = "bench/history";
  const scratch = process.env.DATABASE_URL ? null : await createEmptyDatabase("lineage_bench_trace");
  const url = process.env.DATABASE_URL ?? scratch!.url;
  try {
    await applyMigrations({ connectionString: url });
    const db = await openDatabase({ url, migrate: false });
    try {
      let t = performance.now();
      await importGit(db, {
        clonePath: dir,
        repoConfig: {
          repo,
          environments: [
            { name: "test", source: { tags: "rc-*" } },
            { name: "prod", source: { tags: "*" } },
          ],
        },
      });
      process.stderr.write(`bench: imported in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      t = performance.now();
      const c = await findTraceCase(db, repo);
      process.stderr.write(
        `bench: trace case ${JSON.stringify(c)} found in ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
      );
      const times: number[] = [];
      for (let i = 0; i < Number(process.env.BENCH_TRACE_RUNS ?? 30); i++) {
        const started = performance.now();
        await traceIncident(db, { repo, at: new Date(c.at), good: c.good, paths: [c.path] });
        times.push(performance.now() - started);
      }
      const s = summarise(times);
      process.stdout.write(`${JSON.stringify({ case: c, ms: s })}\n`);
    } finally {
      await db.close();
    }
  } finally {
    await scratch?.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
