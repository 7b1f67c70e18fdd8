import type { Db } from "../db/client";
import { loadGraphInto } from "../store/commits";
import { CommitGraph } from "./graph";

// Commits are only ever appended (idx grows), so a cached graph is brought up to date by
// loading the commits past its size.
const cache = new Map<number, { graph: CommitGraph; loading?: Promise<void> }>();

export async function getCommitGraph(
  db: Pick<Db, "pool">,
  repo: { id: number; commitCount: number },
): Promise<CommitGraph> {
  let entry = cache.get(repo.id);
  if (!entry) {
    entry = { graph: new CommitGraph() };
    cache.set(repo.id, entry);
  }
  while (entry.graph.size < repo.commitCount) {
    if (!entry.loading) {
      const e = entry;
      e.loading = loadGraphInto(db.pool, repo.id, e.graph)
        .then(() => {})
        .finally(() => {
          e.loading = undefined;
        });
    }
    await entry.loading;
  }
  return entry.graph;
}
