import type { GitCommitRecord } from "../git/read-log";
import { CommitGraph } from "../lineage/graph";
import {
  arrayLiteral,
  float8ArrayBinary,
  inChunks,
  int4ArrayBinary,
  intArrayLiteral,
  type Queryable,
  textArrayBinary,
} from "./sql";

export interface NewCommitRow extends Omit<GitCommitRecord, "rawStart"> {
  idx: number;
  parentIdx: number[];
}

/**
 * Set-based insert of commits. Each column travels as one array in PostgreSQL's binary
 * format and unnest() turns the arrays back into rows: strings are copied as UTF-8, not
 * escaped into a literal or a JSON document that the server would then have to parse
 * (measured: half the server time of json_to_recordset). The per-commit lists ride as
 * array literals, which array_in parses cheaply.
 */
export async function insertCommits(
  client: Queryable,
  repoId: number,
  rows: readonly NewCommitRow[],
): Promise<void> {
  await inChunks(rows, 10_000, async (chunk) => {
    await client.query(
      `INSERT INTO "commit" (repo_id, idx, sha, parents, author_name, author_email, authored_at,
         committer_name, committer_email, committed_at, message, changed_paths)
       SELECT $1, t.idx, t.sha, t.parents::int[], t.an, t.ae, to_timestamp(t.at), t.cn, t.ce,
         to_timestamp(t.ct), t.msg, t.paths::text[]
       FROM unnest($2::int4[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[],
         $9::text[], $10::float8[], $11::text[], $12::text[])
         AS t(idx, sha, parents, an, ae, at, cn, ce, ct, msg, paths)`,
      [
        repoId,
        int4ArrayBinary(chunk.map((c) => c.idx)),
        textArrayBinary(chunk.map((c) => c.sha)),
        textArrayBinary(chunk.map((c) => intArrayLiteral(c.parentIdx))),
        textArrayBinary(chunk.map((c) => c.authorName)),
        textArrayBinary(chunk.map((c) => c.authorEmail)),
        float8ArrayBinary(chunk.map((c) => c.authoredAtMs / 1000)),
        textArrayBinary(chunk.map((c) => c.committerName)),
        textArrayBinary(chunk.map((c) => c.committerEmail)),
        float8ArrayBinary(chunk.map((c) => c.committedAtMs / 1000)),
        textArrayBinary(chunk.map((c) => c.message)),
        textArrayBinary(chunk.map((c) => arrayLiteral(c.changedPaths))),
      ],
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

/**
 * Forgets a repository's commit graph and everything numbered by it (tags, refs, events,
 * first reach), for an import that must number the history again. GitHub's own records
 * are keyed by SHA and stay; `materializeRepository` adds their commits back.
 */
export async function forgetHistory(client: Queryable, repoId: number): Promise<void> {
  const envs = "SELECT id FROM environment WHERE repo_id = $1";
  await client.query(`DELETE FROM env_reach WHERE env_id IN (${envs})`, [repoId]);
  await client.query(`DELETE FROM promotion_event WHERE env_id IN (${envs})`, [repoId]);
  await client.query("DELETE FROM tag WHERE repo_id = $1", [repoId]);
  await client.query("DELETE FROM git_ref WHERE repo_id = $1", [repoId]);
  await client.query("DELETE FROM commit_diff_signature WHERE repo_id = $1", [repoId]);
  await client.query(`DELETE FROM "commit" WHERE repo_id = $1`, [repoId]);
  await client.query("UPDATE repository SET commit_count = 0, import_fingerprint = NULL WHERE id = $1", [
    repoId,
  ]);
}
