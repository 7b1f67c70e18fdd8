import { compileGlob } from "../../config/glob";
import type { TRepositoryConfig } from "../../config/schema";
import type { Db } from "../../db/client";
import { AppError } from "../../errors";
import { type EventSpec, environmentEvents, type RefSources, type TagForEvents } from "../../lineage/events";
import type { CommitGraph } from "../../lineage/graph";
import { insertCommits, loadGraph, type NewCommitRow } from "../../store/commits";
import { type PersistSummary, persistEnvironmentEvents } from "../../store/environment-events";
import { syncEnvironments } from "../../store/environments";
import { findUnmaterializedCommits, type StagedCommit } from "../../store/github-commits";
import { type DeploymentForEvents, findDeploymentsForEvents } from "../../store/github-deployments";
import { findBranchHeads, findTagVersionsForEvents, isImportedFromClone } from "../../store/github-refs";
import { type Queryable, withTransaction } from "../../store/sql";

export interface MaterializeSummary {
  newCommits: number;
  /** Staged commits left out because part of their ancestry is not staged (yet). */
  waiting: number;
  totalCommits: number;
  environments: ({ name: string } & PersistSummary)[];
}

/**
 * Staged commits in parents-first order, each after all its parents; ties broken by commit
 * date then SHA so the same staged set always gets the same idx. A commit whose ancestry
 * reaches a SHA neither stored nor staged waits (with its descendants) for a later run.
 */
export function orderParentsFirst(staged: readonly StagedCommit[], graph: CommitGraph): StagedCommit[] {
  const bySha = new Map(staged.map((c) => [c.sha, c]));
  const sorted = [...staged].sort(
    (a, b) => a.committedAtMs - b.committedAtMs || (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0),
  );
  const state = new Map<string, "visiting" | "done" | "blocked">();
  const out: StagedCommit[] = [];
  for (const start of sorted) {
    if (state.has(start.sha)) continue;
    // Iterative DFS: a long first-parent chain would overflow the stack recursively.
    const stack: { c: StagedCommit; i: number }[] = [{ c: start, i: 0 }];
    state.set(start.sha, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i < top.c.parentShas.length) {
        const p = top.c.parentShas[top.i++]!;
        if (graph.indexOf(p) !== undefined || state.get(p) === "done") continue;
        const parent = bySha.get(p);
        if (!parent || state.get(p) === "blocked") {
          state.set(top.c.sha, "blocked");
          continue;
        }
        if (state.get(p) === "visiting") throw new AppError("UPSTREAM", `commit ${p} is its own ancestor`);
        state.set(p, "visiting");
        stack.push({ c: parent, i: 0 });
        continue;
      }
      stack.pop();
      if (state.get(top.c.sha) === "blocked") {
        const child = stack[stack.length - 1];
        if (child) state.set(child.c.sha, "blocked");
        continue;
      }
      state.set(top.c.sha, "done");
      out.push(top.c);
    }
  }
  return out;
}

/** GitHub's rule, as product.md states it: a deployment counts once it succeeded. */
export function deploymentCounts(d: Pick<DeploymentForEvents, "statuses" | "state">): boolean {
  const latest = d.statuses[d.statuses.length - 1] ?? null;
  if (latest === "SUCCESS") return true;
  const succeeded = d.statuses.includes("SUCCESS");
  return succeeded && (latest === "INACTIVE" || latest === "ACTIVE" || d.state === "ACTIVE");
}

export function deploymentEvents(
  graph: CommitGraph,
  deployments: readonly DeploymentForEvents[],
  pattern: string,
): EventSpec[] {
  const matches = compileGlob(pattern);
  const events: EventSpec[] = [];
  for (const d of deployments) {
    if (d.environment === null || !matches(d.environment)) continue;
    const commit = graph.indexOf(d.sha);
    // A deployment of a commit GitHub no longer has cannot be placed in the graph.
    if (commit === undefined) continue;
    events.push({
      commit,
      sha: d.sha,
      atMs: d.createdAtMs,
      actor: d.creatorLogin,
      source: "deployments",
      ref: d.refName ?? d.environment,
      counted: deploymentCounts(d),
      status: d.statuses[d.statuses.length - 1] ?? d.state,
    });
  }
  return events;
}

/**
 * Adds the staged commits to the `commit` graph and recomputes the events of the
 * environments fed by deployments (and, for a repository no clone was imported into, by tags
 * and branches), in one transaction under import-git's lock: both number
 * commits, and whichever comes second continues from the other's count.
 */
export async function materializeRepository(
  db: Db,
  {
    repoId,
    config,
    cloneSources,
  }: {
    repoId: number;
    config: TRepositoryConfig;
    /**
     * The stored refs of the clone imported, to recompute its tags and branch environments
     * too (`lineage recompute`); a sync leaves those to import-git.
     */
    cloneSources?: (client: Queryable, repoId: number, graph: CommitGraph) => Promise<RefSources>;
  },
): Promise<MaterializeSummary> {
  return withTransaction(db, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('lineage-import:' || $1))", [config.repo]);
    const { rows } = await client.query<{ commit_count: number }>(
      "SELECT commit_count FROM repository WHERE id = $1",
      [repoId],
    );
    const graph = await loadGraph(client, repoId);
    if (graph.size !== rows[0]?.commit_count) {
      throw new AppError("CONFLICT", `repository ${config.repo}: stored commit count does not match; re-run`);
    }
    const staged = await findUnmaterializedCommits(client, repoId);
    const ordered = orderParentsFirst(staged, graph);
    const fresh: NewCommitRow[] = ordered.map((c) => {
      const parentIdx = c.parentShas.map((p) => graph.indexOf(p)!);
      const idx = graph.add(c.sha, parentIdx, c.committedAtMs);
      return {
        idx,
        parentIdx,
        sha: c.sha,
        authorName: c.authorName ?? "",
        authorEmail: c.authorEmail ?? "",
        authoredAtMs: c.authoredAtMs,
        committerName: c.committerName ?? "",
        committerEmail: c.committerEmail ?? "",
        committedAtMs: c.committedAtMs,
        message: c.message,
        // GraphQL's history carries no file lists; an import-git of a clone supplies them.
        changedPaths: [],
      };
    });
    await insertCommits(client, repoId, fresh);
    await client.query("UPDATE repository SET commit_count = $2 WHERE id = $1", [repoId, graph.size]);

    const summary: MaterializeSummary = {
      newCommits: fresh.length,
      waiting: staged.length - fresh.length,
      totalCommits: graph.size,
      environments: [],
    };
    const envs = await syncEnvironments(client, repoId, config.environments);
    const deploymentEnvs = envs.filter((e) => e.sourceKind === "deployments");
    if (deploymentEnvs.length > 0) {
      const deployments = await findDeploymentsForEvents(client, repoId);
      for (const env of deploymentEnvs) {
        const events = deploymentEvents(graph, deployments, env.pattern);
        const result = await persistEnvironmentEvents(client, { envId: env.id, graph, events });
        summary.environments.push({ name: env.name, ...result });
      }
    }
    // Tags and branches: a clone, once imported, is their only source (its import writes
    // these environments); GitHub's refs feed them only while there is none, so nothing is
    // counted twice.
    const refEnvs = envs.filter((e) => e.sourceKind !== "deployments");
    if (refEnvs.length === 0) return summary;
    const imported = await isImportedFromClone(client, repoId);
    if (imported && !cloneSources) return summary;
    const sources = imported
      ? await cloneSources!(client, repoId, graph)
      : await githubSources(client, repoId, graph);
    for (const env of refEnvs) {
      const events = environmentEvents(graph, env, sources);
      if (events === null) continue;
      const result = await persistEnvironmentEvents(client, { envId: env.id, graph, events });
      summary.environments.push({ name: env.name, ...result });
    }
    return summary;
  });
}

/**
 * GitHub's refs as an environment's event source: every version of every tag (a moved tag
 * is one event per target it had; the clone import sees only the current one), and the branch
 * heads the sync read. Creator dates as import-git takes them from a clone: an annotated
 * tag's tagger date (its commit's committer date when the tag object has no tagger), a
 * lightweight tag's commit's committer date.
 */
async function githubSources(client: Queryable, repoId: number, graph: CommitGraph): Promise<RefSources> {
  const versions = await findTagVersionsForEvents(client, repoId);
  const heads = await findBranchHeads(client, repoId);
  const tags: TagForEvents[] = [];
  for (const v of versions) {
    const commit = graph.indexOf(v.commitSha);
    // A commit still waiting for its ancestry (or gone from GitHub) has no place in the graph.
    if (commit === undefined) continue;
    tags.push({
      name: v.name,
      commit,
      createdAtMs: (v.annotated ? v.taggedAtMs : null) ?? graph.committedAt(commit),
      taggerName: v.annotated ? v.taggerName : null,
    });
  }
  return {
    tags,
    branchTip(branch) {
      const sha = heads.get(branch);
      if (sha === undefined) return undefined;
      return graph.indexOf(sha) ?? null;
    },
  };
}
