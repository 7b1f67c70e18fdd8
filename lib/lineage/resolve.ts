import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface ResolvedCommit {
  idx: number;
  sha: string;
}

/**
 * What `where` and `diff` accept: an environment name means what it runs now (its latest
 * counted event); anything else is a revision (`resolveRevision`). Environment names win,
 * so `prod` is the environment even if a branch is called prod too.
 */
export async function resolveRevisionOrEnvironment(
  db: Pick<Db, "pool">,
  repoId: number,
  rev: string,
): Promise<ResolvedCommit> {
  const { rows } = await db.pool.query<{ idx: number | null; sha: string | null }>(
    `SELECT e.commit_idx AS idx, e.sha FROM environment env
     LEFT JOIN LATERAL (SELECT commit_idx, sha FROM promotion_event WHERE env_id = env.id AND counted ORDER BY seq DESC LIMIT 1) e ON true
     WHERE env.repo_id = $1 AND env.name = $2`,
    [repoId, rev],
  );
  if (rows[0]) {
    if (rows[0].sha === null || rows[0].idx === null)
      throw new AppError("NOT_FOUND", `environment "${rev}" has no counted events yet`);
    return { idx: rows[0].idx, sha: rows[0].sha };
  }
  return resolveRevision(db, repoId, rev);
}

/**
 * A revision as a user types it, with git's ancestry suffixes: `rev~N` (N first parents
 * back), `rev^N` (the Nth parent; `^0` the commit itself) and `rev^{}` / `rev^{commit}`
 * (peeled; stored tags are peeled already), in any sequence, e.g. `v1.2.0~3^2`.
 */
export async function resolveRevision(
  db: Pick<Db, "pool">,
  repoId: number,
  rev: string,
): Promise<ResolvedCommit> {
  // Ref names cannot hold "~" or "^" (git check-ref-format), so the first one starts the suffixes.
  const cut = rev.search(/[~^]/);
  if (cut < 0) return resolveName(db, repoId, rev);
  const steps = rev.slice(cut);
  if (!/^(?:~\d*|\^\d*|\^\{(?:commit)?\})*$/.test(steps)) {
    throw new AppError("INVALID_ARGUMENT", `unsupported revision syntax "${rev}": use ~N, ^N or ^{}`);
  }
  let at = await resolveName(db, repoId, rev.slice(0, cut));
  for (const [, tilde, caret] of steps.matchAll(/~(\d*)|\^\{(?:commit)?\}|\^(\d*)/g)) {
    if (tilde !== undefined) at = await walkBack(db, repoId, at, { parent: 1, hops: count(tilde) }, rev);
    else if (caret !== undefined && caret !== "0")
      at = await walkBack(db, repoId, at, { parent: count(caret), hops: 1 }, rev);
    // else ^{} or ^{commit} (the token): a commit peels to itself.
  }
  return at;
}

const count = (digits: string) => (digits === "" ? 1 : Number(digits));

/**
 * `hops` steps back from `at`, the first to its `parent`th parent and the rest to first
 * parents: `rev^n` is { parent: n, hops: 1 }, `rev~n` is { parent: 1, hops: n }. One query,
 * however far back.
 */
async function walkBack(
  db: Pick<Db, "pool">,
  repoId: number,
  at: ResolvedCommit,
  { parent, hops }: { parent: number; hops: number },
  rev: string,
): Promise<ResolvedCommit> {
  if (hops === 0) return at;
  const { rows } = await db.pool.query<ResolvedCommit>(
    `WITH RECURSIVE chain(idx, hop) AS (
       SELECT $2::int, 0
       UNION ALL
       SELECT c.parents[CASE WHEN chain.hop = 0 THEN $4::int ELSE 1 END], chain.hop + 1
       FROM chain JOIN "commit" c ON c.repo_id = $1 AND c.idx = chain.idx
       WHERE chain.hop < $3 AND coalesce(cardinality(c.parents), 0) >= CASE WHEN chain.hop = 0 THEN $4::int ELSE 1 END
     )
     SELECT c.idx, c.sha FROM chain JOIN "commit" c ON c.repo_id = $1 AND c.idx = chain.idx WHERE chain.hop = $3`,
    [repoId, at.idx, hops, parent],
  );
  if (rows[0]) return rows[0];
  throw new AppError(
    "NOT_FOUND",
    parent > 1
      ? `unknown revision "${rev}": ${at.sha} has no parent ${parent}`
      : `unknown revision "${rev}": ${at.sha} has fewer than ${hops} first parents`,
  );
}

/**
 * A revision name as a user types it: a tag, a branch (local or remote-tracking, as in
 * refs/remotes/origin/x), a full ref name, HEAD (the clone's, stored at import as a ref), a full SHA or a unique SHA prefix of 4+ hex
 * digits. Ref names win over SHA prefixes, as in git.
 */
async function resolveName(db: Pick<Db, "pool">, repoId: number, rev: string): Promise<ResolvedCommit> {
  const { rows: refRows } = await db.pool.query<ResolvedCommit>(
    `SELECT c.idx, c.sha FROM git_ref r JOIN "commit" c ON c.repo_id = r.repo_id AND c.sha = r.sha
     WHERE r.repo_id = $1 AND r.name = ANY($2::text[])
     ORDER BY array_position($2::text[], r.name) LIMIT 1`,
    [
      repoId,
      [rev, `refs/tags/${rev}`, `refs/heads/${rev}`, `refs/remotes/${rev}`, `refs/remotes/origin/${rev}`],
    ],
  );
  if (refRows[0]) return refRows[0];
  const prefix = rev.toLowerCase();
  if (/^[0-9a-f]{4,40}$/.test(prefix)) {
    const { rows } = await db.pool.query<ResolvedCommit>(
      `SELECT idx, sha FROM "commit" WHERE repo_id = $1 AND sha >= $2 AND sha < $3 AND sha LIKE $4 LIMIT 2`,
      [repoId, prefix, `${prefix}g`, `${prefix}%`],
    );
    if (rows.length === 1) return rows[0]!;
    if (rows.length > 1)
      throw new AppError("INVALID_ARGUMENT", `ambiguous short SHA "${rev}": give more digits`);
  }
  throw new AppError("NOT_FOUND", `unknown revision "${rev}": not a known tag, branch or commit`);
}
