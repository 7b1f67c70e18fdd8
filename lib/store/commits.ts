import type { GitCommitRecord } from "../git/read-log";
import { CommitGraph } from "../lineage/graph";
import { inChunks, type Queryable } from "./sql";

export interface NewCommitRow extends GitCommitRecord {
  idx: number;
  parentIdx: number[];
}

/**
 * Set-based insert of commits. The rows travel as one JSON document: JSON.stringify is
 * native code, where pg's array parameters escape each element in JavaScript, and
 * json_to_recordset turns JSON arrays straight into the int[] and text[] columns.
 */
export async function insertCommits(
  client: Queryable,
  repoId: number,
  rows: readonly NewCommitRow[],
): Promise<void> {
  await inChunks(rows, 10_000, async (chunk) => {
    const doc = JSON.stringify(
      chunk.map((c) => ({
        idx: c.idx,
        sha: c.sha,
        parents: c.parentIdx,
        an: c.authorName,
        ae: c.authorEmail,
        at: c.authoredAtMs,
        cn: c.committerName,
        ce: c.committerEmail,
        ct: c.committedAtMs,
        msg: c.message,
        paths: c.changedPaths,
      })),
    );
    await client.query(
      `INSERT INTO "commit" (repo_id, idx, sha, parents, author_name, author_email, authored_at,
         committer_name, committer_email, committed_at, message, changed_paths)
       SELECT $1, t.idx, t.sha, t.parents, t.an, t.ae, to_timestamp(t.at / 1000.0), t.cn, t.ce,
         to_timestamp(t.ct / 1000.0), t.msg, t.paths
       FROM json_to_recordset($2::json) AS t(idx int, sha text, parents int[], an text, ae text, at float8,
         cn text, ce text, ct float8, msg text, paths text[])`,
      [repoId, doc],
    );
  });
}

/** Loads commits idx >= from into the graph (which must already hold 0..from-1). */
export async function loadGraphInto(
  client: Queryable,
  repoId: number,
  graph: CommitGraph,
): Promise<CommitGraph> {
  const { rows } = await client.query<{ sha: string; p: string; t: number }>({
    text: `SELECT sha, array_to_string(parents, ',') AS p, (extract(epoch from committed_at) * 1000)::float8 AS t
           FROM "commit" WHERE repo_id = $1 AND idx >= $2 ORDER BY idx`,
    values: [repoId, graph.size],
  });
  for (const r of rows) graph.add(r.sha, r.p ? r.p.split(",").map(Number) : [], r.t);
  return graph;
}

export async function loadGraph(client: Queryable, repoId: number): Promise<CommitGraph> {
  return loadGraphInto(client, repoId, new CommitGraph());
}
