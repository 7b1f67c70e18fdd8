import type { GitCommitRecord } from "../git/read-log";
import { CommitGraph } from "../lineage/graph";
import { arrayLiteral, inChunks, type Queryable } from "./sql";

export interface NewCommitRow extends GitCommitRecord {
  idx: number;
  parentIdx: number[];
}

/** Set-based insert of commits, a few thousand rows per statement. */
export async function insertCommits(
  client: Queryable,
  repoId: number,
  rows: readonly NewCommitRow[],
): Promise<void> {
  await inChunks(rows, 5000, async (chunk) => {
    await client.query(
      `INSERT INTO "commit" (repo_id, idx, sha, parents, author_name, author_email, authored_at,
         committer_name, committer_email, committed_at, message, changed_paths)
       SELECT $1, t.idx, t.sha, t.parents::int[], t.an, t.ae, to_timestamp(t.at / 1000.0), t.cn, t.ce,
         to_timestamp(t.ct / 1000.0), t.msg, t.paths::text[]
       FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], $9::text[],
         $10::float8[], $11::text[], $12::text[]) AS t(idx, sha, parents, an, ae, at, cn, ce, ct, msg, paths)`,
      [
        repoId,
        chunk.map((c) => c.idx),
        chunk.map((c) => c.sha),
        chunk.map((c) => arrayLiteral(c.parentIdx)),
        chunk.map((c) => c.authorName),
        chunk.map((c) => c.authorEmail),
        chunk.map((c) => c.authoredAtMs),
        chunk.map((c) => c.committerName),
        chunk.map((c) => c.committerEmail),
        chunk.map((c) => c.committedAtMs),
        chunk.map((c) => c.message),
        chunk.map((c) => arrayLiteral(c.changedPaths)),
      ],
    );
  });
}

/** idx of the given SHAs that are already stored. */
export async function findCommitIdx(
  client: Queryable,
  repoId: number,
  shas: readonly string[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (shas.length === 0) return found;
  const { rows } = await client.query<{ sha: string; idx: number }>(
    `SELECT sha, idx FROM "commit" WHERE repo_id = $1 AND sha = ANY($2::text[])`,
    [repoId, shas],
  );
  for (const r of rows) found.set(r.sha, r.idx);
  return found;
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
