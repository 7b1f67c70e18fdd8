import type { Queryable } from "../sql";

/**
 * A repository's stored lineage keyed by SHA and names rather than internal ids, so two
 * databases that reached the same state by different routes (one import, several
 * incremental ones, a killed one and a rerun) compare equal exactly when their content is.
 */
export async function dumpRepository(
  client: Queryable,
  fullName: string,
): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await client.query(sql, [fullName])).rows;
  const repo = `(SELECT id FROM repository WHERE full_name = $1)`;
  return {
    commits: await q(
      `SELECT c.sha, ARRAY(SELECT p.sha FROM unnest(c.parents) WITH ORDINALITY AS u(i, o)
         JOIN "commit" p ON p.repo_id = c.repo_id AND p.idx = u.i ORDER BY u.o) AS parents,
         c.author_name, c.author_email, c.authored_at, c.committer_name, c.committer_email, c.committed_at,
         c.message, c.changed_paths
       FROM "commit" c WHERE c.repo_id = ${repo} ORDER BY c.sha`,
    ),
    tags: await q(
      `SELECT t.name, c.sha, t.object_sha, t.annotated, t.tagger_name, t.tagger_email, t.tagged_at, t.message, t.created_at
       FROM tag t JOIN "commit" c ON c.repo_id = t.repo_id AND c.idx = t.commit_idx WHERE t.repo_id = ${repo} ORDER BY t.name`,
    ),
    refs: await q(`SELECT name, sha FROM git_ref WHERE repo_id = ${repo} ORDER BY name`),
    environments: await q(
      `SELECT name, position, source_kind, pattern FROM environment WHERE repo_id = ${repo} ORDER BY position`,
    ),
    events: await q(
      `SELECT env.name, e.seq, e.sha, e.at, e.actor, e.source, e.ref, e.counted, e.status, e.is_baseline, e.added_count, e.removed_count
       FROM promotion_event e JOIN environment env ON env.id = e.env_id WHERE env.repo_id = ${repo} ORDER BY env.name, e.seq`,
    ),
    eventCommits: await q(
      `SELECT env.name, e.seq, c.sha, ec.removed
       FROM promotion_event e JOIN environment env ON env.id = e.env_id
       CROSS JOIN LATERAL (SELECT x, false AS removed FROM unnest(e.added_commits) r, generate_series(lower(r), upper(r) - 1) x
                           UNION ALL SELECT x, true FROM unnest(e.removed_commits) r, generate_series(lower(r), upper(r) - 1) x) ec
       JOIN "commit" c ON c.repo_id = env.repo_id AND c.idx = ec.x
       WHERE env.repo_id = ${repo} ORDER BY env.name, e.seq, c.sha`,
    ),
    reach: await q(
      `SELECT env.name, c.sha, e.seq AS first_seq, r.current
       FROM env_reach r JOIN environment env ON env.id = r.env_id JOIN promotion_event e ON e.id = r.first_event_id
       JOIN "commit" c ON c.repo_id = env.repo_id AND c.idx = r.commit_idx
       WHERE env.repo_id = ${repo} ORDER BY env.name, c.sha`,
    ),
  };
}
