import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface ResolvedCommit {
  idx: number;
  sha: string;
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

const AMBIGUOUS_SHOWN = 10;

const INT_MAX = 2_147_483_647;

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
  // Past PostgreSQL's int no commit has that many parents or ancestors, and the bound
  // parameter would fail its cast: such a count finds nothing, as any other too large one.
  const { rows } = await (parent > INT_MAX || hops > INT_MAX
    ? { rows: [] }
    : db.pool.query<ResolvedCommit>(
        `WITH RECURSIVE chain(idx, hop) AS (
       SELECT $2::int, 0
       UNION ALL
       SELECT c.parents[CASE WHEN chain.hop = 0 THEN $4::int ELSE 1 END], chain.hop + 1
       FROM chain JOIN "commit" c ON c.repo_id = $1 AND c.idx = chain.idx
       WHERE chain.hop < $3 AND coalesce(cardinality(c.parents), 0) >= CASE WHEN chain.hop = 0 THEN $4::int ELSE 1 END
     )
     SELECT c.idx, c.sha FROM chain JOIN "commit" c ON c.repo_id = $1 AND c.idx = chain.idx WHERE chain.hop = $3`,
        [repoId, at.idx, hops, parent],
      ));
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
 * refs/remotes/origin/x), a full ref name, HEAD (the clone's, stored at import as a ref), a
 * full SHA or a unique SHA prefix of 4+ hex digits. Ref names win over SHA prefixes, as in
 * git. The refs are the imported clone's (git_ref); a repository no clone was imported into
 * has GitHub's instead: the current target of each tag and the branch heads the last sync read.
 */
async function resolveName(db: Pick<Db, "pool">, repoId: number, rev: string): Promise<ResolvedCommit> {
  const candidates = [
    rev,
    `refs/tags/${rev}`,
    `refs/heads/${rev}`,
    `refs/remotes/${rev}`,
    `refs/remotes/origin/${rev}`,
  ];
  const under = (prefix: string) =>
    candidates.filter((c) => c.startsWith(prefix)).map((c) => c.slice(prefix.length));
  const { rows: refRows } = await db.pool.query<ResolvedCommit>(
    `WITH github AS (SELECT imported_at IS NULL AS only FROM repository WHERE id = $1),
     refs(name, sha) AS (
       SELECT name, sha FROM git_ref WHERE repo_id = $1 AND name = ANY($2::text[])
       UNION ALL
       SELECT 'refs/tags/' || v.name, v.commit_sha FROM github_tag_version v, github
       WHERE github.only AND v.repo_id = $1 AND v.name = ANY($3::text[]) AND v.current
       UNION ALL
       SELECT 'refs/heads/' || h.name, h.sha FROM github_branch_head h, github
       WHERE github.only AND h.repo_id = $1 AND h.name = ANY($4::text[])
     )
     SELECT c.idx, c.sha FROM refs r JOIN "commit" c ON c.repo_id = $1 AND c.sha = r.sha
     ORDER BY array_position($2::text[], r.name) LIMIT 1`,
    [repoId, candidates, under("refs/tags/"), under("refs/heads/")],
  );
  if (refRows[0]) return refRows[0];
  const prefix = rev.toLowerCase();
  if (/^[0-9a-f]{4,40}$/.test(prefix)) {
    const { rows } = await db.pool.query<ResolvedCommit & { committedAt: string; headline: string }>(
      `SELECT idx, sha, to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "committedAt",
         split_part(message, E'\\n', 1) AS headline
       FROM "commit" WHERE repo_id = $1 AND sha >= $2 AND sha < $3 AND sha LIKE $4
       ORDER BY sha LIMIT $5`,
      [repoId, prefix, `${prefix}g`, `${prefix}%`, AMBIGUOUS_SHOWN + 1],
    );
    if (rows.length === 1) return { idx: rows[0]!.idx, sha: rows[0]!.sha };
    if (rows.length > 1) {
      // As git does: every candidate with its date and subject, so the user can pick one.
      const shown = rows
        .slice(0, AMBIGUOUS_SHOWN)
        .map(
          (c) =>
            `${c.sha.slice(0, Math.max(12, prefix.length + 2))} commit ${c.committedAt} ${JSON.stringify(c.headline)}`,
        );
      const more = rows.length > AMBIGUOUS_SHOWN ? "; …" : "";
      throw new AppError(
        "INVALID_ARGUMENT",
        `short SHA "${rev}" is ambiguous; the candidates are: ${shown.join("; ")}${more}`,
      );
    }
  } else if (/^[0-9a-f]{1,3}$/i.test(rev)) {
    throw new AppError(
      "INVALID_ARGUMENT",
      `short SHA "${rev}" is too short: give at least 4 hex digits (or a tag or branch name)`,
    );
  }
  throw new AppError("NOT_FOUND", `unknown revision "${rev}": not a known tag, branch or commit`);
}

/**
 * What `where` and `diff` accept: a revision, or an environment name meaning what that
 * environment runs now (its latest counted event). `env:NAME` names the environment explicitly; a name that is both
 * an environment and a tag or branch is refused with the ways to pick one, never guessed.
 */
export async function resolveRevisionOrEnvironment(
  db: Pick<Db, "pool">,
  repoId: number,
  rev: string,
): Promise<ResolvedCommit> {
  const explicit = rev.startsWith("env:");
  const name = explicit ? rev.slice(4) : rev;
  const { rows } = await db.pool.query<{ idx: number | null; sha: string | null }>(
    `SELECT e.commit_idx AS idx, e.sha FROM environment env
     LEFT JOIN LATERAL (SELECT commit_idx, sha FROM promotion_event WHERE env_id = env.id AND counted ORDER BY seq DESC LIMIT 1) e ON true
     WHERE env.repo_id = $1 AND env.name = $2`,
    [repoId, name],
  );
  const env = rows[0];
  if (!env) {
    if (explicit) throw new AppError("NOT_FOUND", `unknown environment "${name}" in "${rev}"`);
    return resolveRevision(db, repoId, rev);
  }
  if (!explicit) {
    const refs = await findRefsNamed(db, repoId, name);
    if (refs.length > 0) {
      throw new AppError(
        "INVALID_ARGUMENT",
        `"${rev}" is ambiguous: it names an environment and ${refs.join(" and ")}; pick one with ${[`env:${name}`, ...refs].join(", ")}`,
      );
    }
  }
  if (env.sha === null || env.idx === null)
    throw new AppError("NOT_FOUND", `environment "${name}" has no counted events yet`);
  return { idx: env.idx, sha: env.sha };
}

/** The full names of the refs (tags, branches) a short name could mean, as resolveName looks them up. */
async function findRefsNamed(db: Pick<Db, "pool">, repoId: number, name: string): Promise<string[]> {
  const candidates = [
    `refs/tags/${name}`,
    `refs/heads/${name}`,
    `refs/remotes/${name}`,
    `refs/remotes/origin/${name}`,
  ];
  const { rows } = await db.pool.query<{ name: string }>(
    `WITH github AS (SELECT imported_at IS NULL AS only FROM repository WHERE id = $1)
     SELECT name FROM git_ref WHERE repo_id = $1 AND name = ANY($2::text[])
     UNION
     SELECT 'refs/tags/' || v.name FROM github_tag_version v, github
     WHERE github.only AND v.repo_id = $1 AND v.name = $3 AND v.current
     UNION
     SELECT 'refs/heads/' || h.name FROM github_branch_head h, github
     WHERE github.only AND h.repo_id = $1 AND h.name = $3`,
    [repoId, candidates, name],
  );
  return rows.map((r) => r.name).sort((a, b) => candidates.indexOf(a) - candidates.indexOf(b));
}
