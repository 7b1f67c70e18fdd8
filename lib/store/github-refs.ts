import type { Queryable } from "./sql";

/** A branch head as GitHub answered it; `sha` null when GitHub has no such branch (any more). */
export interface BranchHeadRow {
  name: string;
  sha: string | null;
}

/**
 * Records the branch heads a sync read. One statement, so a killed sync keeps either the old
 * heads or the new ones; a branch GitHub no longer has loses its row, as a deleted branch
 * leaves a clone.
 */
export async function recordBranchHeads(
  client: Queryable,
  repoId: number,
  heads: readonly BranchHeadRow[],
): Promise<void> {
  if (heads.length === 0) return;
  // The default branch may also be a configured one: one row per name, or the upsert fails.
  const byName = new Map(heads.map((h) => [h.name, h.sha]));
  const present = [...byName].flatMap(([name, sha]) => (sha === null ? [] : [{ name, sha }]));
  const gone = [...byName].flatMap(([name, sha]) => (sha === null ? [name] : []));
  await client.query(
    `WITH gone AS (DELETE FROM github_branch_head WHERE repo_id = $1 AND name = ANY($4::text[]))
     INSERT INTO github_branch_head (repo_id, name, sha)
     SELECT $1, t.name, t.sha FROM unnest($2::text[], $3::text[]) AS t(name, sha)
     ON CONFLICT (repo_id, name) DO UPDATE SET sha = EXCLUDED.sha, read_at = now()`,
    [repoId, present.map((h) => h.name), present.map((h) => h.sha), gone],
  );
}

export async function findBranchHeads(client: Queryable, repoId: number): Promise<Map<string, string>> {
  const { rows } = await client.query<{ name: string; sha: string }>(
    "SELECT name, sha FROM github_branch_head WHERE repo_id = $1",
    [repoId],
  );
  return new Map(rows.map((r) => [r.name, r.sha]));
}

/** One target a tag has had, as `tags` environments count it. */
export interface TagVersionForEvents {
  name: string;
  commitSha: string;
  annotated: boolean;
  taggerName: string | null;
  taggedAtMs: number | null;
}

/**
 * Every version of every tag, in the order sync first saw them: a moved tag is one row per
 * target, and the order breaks ties between two versions of one tag with the same creator date.
 */
export async function findTagVersionsForEvents(
  client: Queryable,
  repoId: number,
): Promise<TagVersionForEvents[]> {
  const { rows } = await client.query<TagVersionForEvents>(
    `SELECT name, commit_sha AS "commitSha", annotated, tagger_name AS "taggerName",
       (extract(epoch from tagged_at) * 1000)::float8 AS "taggedAtMs"
     FROM github_tag_version WHERE repo_id = $1 ORDER BY id`,
    [repoId],
  );
  return rows;
}

/** Whether the repository was ever imported from a clone: then its refs are the clone's. */
export async function isImportedFromClone(client: Queryable, repoId: number): Promise<boolean> {
  const { rows } = await client.query<{ imported: boolean }>(
    "SELECT imported_at IS NOT NULL AS imported FROM repository WHERE id = $1",
    [repoId],
  );
  return rows[0]?.imported === true;
}
