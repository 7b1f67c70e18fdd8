import type { TRepositoryConfig } from "../config/schema";
import type { Db } from "../db/client";
import { type MaterializeSummary, materializeRepository } from "../github/sync/materialize";
import type { RefSources } from "../lineage/events";
import type { CommitGraph } from "../lineage/graph";
import { getRepositoryOrThrow } from "../lineage/repositories";
import type { Queryable } from "../store/sql";
import { resolveBranchRef } from "./import-git";

/**
 * The refs of the clone last imported, as stored (`tag`, `git_ref`), as an environment's event
 * source: what `lineage recompute` replays a changed config against without the clone.
 */
export async function storedCloneSources(
  client: Queryable,
  repoId: number,
  graph: CommitGraph,
): Promise<RefSources> {
  const { rows: tags } = await client.query<{
    name: string;
    commit: number;
    createdAtMs: number;
    taggerName: string | null;
  }>(
    `SELECT name, commit_idx AS commit, (extract(epoch FROM created_at) * 1000)::float8 AS "createdAtMs",
       tagger_name AS "taggerName"
     FROM tag WHERE repo_id = $1`,
    [repoId],
  );
  const { rows: refs } = await client.query<{ name: string; commit: string }>(
    `SELECT name, sha AS commit FROM git_ref WHERE repo_id = $1 AND (name LIKE 'refs/heads/%' OR name LIKE 'refs/remotes/%')`,
    [repoId],
  );
  return {
    tags: tags.map((t) => ({ ...t, createdAtMs: Math.round(t.createdAtMs) })),
    branchTip(branch) {
      const tip = resolveBranchRef({ branches: refs }, branch);
      return tip === undefined ? undefined : (graph.indexOf(tip) ?? null);
    },
  };
}

/**
 * Recomputes a repository's environments from what is stored (`lineage recompute`): the
 * config's environments are applied, and their events replayed from the stored graph, the
 * last imported clone's refs, GitHub's refs and deployments.
 */
export async function recomputeRepository(
  db: Db,
  repoConfig: TRepositoryConfig,
): Promise<MaterializeSummary> {
  const repository = await getRepositoryOrThrow(db, repoConfig.repo);
  return materializeRepository(db, {
    repoId: repository.id,
    config: repoConfig,
    cloneSources: storedCloneSources,
  });
}
