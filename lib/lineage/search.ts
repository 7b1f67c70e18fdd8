import type { Db } from "../db/client";

export type SearchHitKind = "commit" | "tag" | "branch" | "pull-request" | "message";

export interface SearchHit {
  kind: SearchHitKind;
  repo: string;
  /** What matched: a SHA, a tag or branch name, "#12", or the commit's SHA for a message hit. */
  name: string;
  /** The commit it leads to (for PRs: the merge commit, when known). */
  sha: string | null;
  /** A headline, a PR title: the line shown under the name. */
  text: string;
  /** GitHub's page, for pull requests. */
  url: string | null;
}

export interface SearchResult {
  query: string;
  /** Exact hits: a SHA prefix, a tag, a branch, a PR number. */
  exact: SearchHit[];
  /** Commit messages and PR titles containing the text. */
  text: SearchHit[];
  /** Whether a list was cut at `limit`. */
  truncated: boolean;
}

/** `%`, `_` and `\` stand for themselves in the ILIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * One search box over every repository: a SHA prefix (4+ hex), a tag or branch name, a PR
 * number (`#123`), or text in commit messages and PR titles (case-insensitive). Each list
 * holds at most `limit` hits. With `stopAtUniqueExact`, a query with exactly one exact hit
 * (the hit uniqueHit opens) skips the text search: `text` is then empty. A caller that
 * redirects to that hit saves a scan of every message (a SHA rarely occurs in one).
 */
export async function searchEverything(
  db: Pick<Db, "pool">,
  {
    query,
    limit = 25,
    stopAtUniqueExact = false,
  }: { query: string; limit?: number; stopAtUniqueExact?: boolean },
): Promise<SearchResult> {
  const q = query.trim();
  if (!q) return { query: q, exact: [], text: [], truncated: false };
  const exact: SearchHit[] = [];
  let truncated = false;
  const take = <T>(rows: T[]) => {
    if (rows.length > limit) truncated = true;
    return rows.slice(0, limit);
  };

  if (/^[0-9a-f]{4,40}$/i.test(q)) {
    const prefix = q.toLowerCase();
    const { rows } = await db.pool.query<SearchHit>(
      `SELECT 'commit' AS kind, r.full_name AS repo, c.sha AS name, c.sha, split_part(c.message, E'\\n', 1) AS text, NULL AS url
       FROM "commit" c JOIN repository r ON r.id = c.repo_id
       WHERE c.sha >= $1 AND c.sha < $2 ORDER BY r.full_name, c.sha LIMIT $3`,
      [prefix, `${prefix}g`, limit + 1],
    );
    exact.push(...take(rows));
  }

  const pr = /^#(\d{1,9})$/.exec(q);
  if (pr) {
    const { rows } = await db.pool.query<SearchHit>(
      `SELECT 'pull-request' AS kind, r.full_name AS repo, '#' || p.number AS name,
         (SELECT c.sha FROM "commit" c WHERE c.repo_id = p.repo_id AND c.sha = p.merge_commit_sha) AS sha,
         p.title AS text, p.url
       FROM github_pull_request p JOIN repository r ON r.id = p.repo_id
       WHERE p.number = $1 ORDER BY r.full_name LIMIT $2`,
      [Number(pr[1]), limit + 1],
    );
    exact.push(...take(rows));
  }

  // Tags and branches by their short name, from the clone's refs or (for a repository only
  // synced from GitHub) GitHub's; the commit's headline says what it is.
  const { rows: refs } = await db.pool.query<SearchHit>(
    `WITH refs(repo_id, kind, name, sha) AS (
       SELECT repo_id, 'tag', substr(name, 11), sha FROM git_ref WHERE name = 'refs/tags/' || $1
       UNION
       SELECT repo_id, 'branch', $1, sha FROM git_ref
       WHERE name IN ('refs/heads/' || $1, 'refs/remotes/origin/' || $1)
       UNION
       SELECT repo_id, 'tag', name, commit_sha FROM github_tag_version WHERE name = $1 AND current
       UNION
       SELECT repo_id, 'branch', name, sha FROM github_branch_head WHERE name = $1
     )
     SELECT DISTINCT ON (r.full_name, x.kind) x.kind, r.full_name AS repo, x.name, x.sha,
       COALESCE(split_part(c.message, E'\\n', 1), '') AS text, NULL AS url
     FROM refs x JOIN repository r ON r.id = x.repo_id
     LEFT JOIN "commit" c ON c.repo_id = x.repo_id AND c.sha = x.sha
     ORDER BY r.full_name, x.kind LIMIT $2`,
    [q, limit + 1],
  );
  exact.push(...take(refs));
  if (stopAtUniqueExact && exact.length === 1) return { query: q, exact, text: [], truncated };

  const pattern = `%${escapeLike(q)}%`;
  const [{ rows: messages }, { rows: titles }] = await Promise.all([
    db.pool.query<SearchHit & { at: string }>(
      `SELECT 'message' AS kind, r.full_name AS repo, c.sha AS name, c.sha,
         split_part(c.message, E'\\n', 1) AS text, NULL AS url,
         to_char(c.committed_at AT TIME ZONE 'UTC', ${ISO}) AS at
       FROM "commit" c JOIN repository r ON r.id = c.repo_id
       WHERE c.message ILIKE $1 ESCAPE '\\'
       ORDER BY c.committed_at DESC, c.sha LIMIT $2`,
      [pattern, limit + 1],
    ),
    db.pool.query<SearchHit>(
      `SELECT 'pull-request' AS kind, r.full_name AS repo, '#' || p.number AS name,
         (SELECT c.sha FROM "commit" c WHERE c.repo_id = p.repo_id AND c.sha = p.merge_commit_sha) AS sha,
         p.title AS text, p.url
       FROM github_pull_request p JOIN repository r ON r.id = p.repo_id
       WHERE p.title ILIKE $1 ESCAPE '\\'
       ORDER BY p.updated_at DESC, p.number LIMIT $2`,
      [pattern, limit + 1],
    ),
  ]);
  // A PR found by its number is not listed again for its title.
  const seen = new Set(exact.map((h) => `${h.kind}:${h.repo}:${h.name}`));
  const text = [
    ...take(titles).filter((h) => !seen.has(`${h.kind}:${h.repo}:${h.name}`)),
    ...take(messages).map(({ at: _at, ...h }) => h),
  ];
  return { query: q, exact, text, truncated };
}

/** The one hit a search should open directly: a single exact hit, else a single text hit. */
export function uniqueHit(result: SearchResult): SearchHit | null {
  if (result.exact.length === 1) return result.exact[0]!;
  if (result.exact.length === 0 && result.text.length === 1) return result.text[0]!;
  return null;
}
