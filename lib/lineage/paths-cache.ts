import type { Db } from "../db/client";

/**
 * Every commit's changed paths as integer ids into one table of distinct paths, so a path
 * filter over thousands of candidates tests each distinct path once and reads nothing from
 * the database. commit i's paths are pathIds[start[i] .. start[i+1]). With each commit's
 * headline and author, so a trace lists thousands of commits without reading them (SHA and
 * committer time come from the CommitGraph).
 */
export class ChangedPaths {
  constructor(
    readonly paths: string[],
    private readonly start: Int32Array,
    private readonly pathIds: Int32Array,
    /** Each commit's headline (first line of its message) and author name (an index into authors). */
    private readonly headlines: string[],
    private readonly authorIds: Int32Array,
    private readonly authors: string[],
  ) {}

  headline(i: number): string {
    return this.headlines[i] ?? "";
  }

  author(i: number): string {
    return this.authors[this.authorIds[i]!] ?? "";
  }

  get size(): number {
    return this.start.length - 1;
  }

  /** The commits of `idxs` (which must be below size) whose own paths include one `matches` accepts. */
  filter(idxs: readonly number[], matches: (path: string) => boolean): number[] {
    // -1 untested, 0 no, 1 yes: each distinct path is matched once.
    const verdict = new Int8Array(this.paths.length).fill(-1);
    const out: number[] = [];
    for (const i of idxs) {
      for (let k = this.start[i]!, end = this.start[i + 1]!; k < end; k++) {
        const id = this.pathIds[k]!;
        let v = verdict[id]!;
        if (v === -1) {
          v = matches(this.paths[id]!) ? 1 : 0;
          verdict[id] = v;
        }
        if (v === 1) {
          out.push(i);
          break;
        }
      }
    }
    return out;
  }
}

/**
 * What an in-memory copy of a repository's commit rows is valid for: its last import and
 * commit count (an import may add the paths of commits a sync stored first, or renumber the
 * history; a sync adds commits).
 */
export async function historyKey(db: Pick<Db, "pool">, repoId: number): Promise<string> {
  const { rows } = await db.pool.query<{ key: string }>(
    `SELECT coalesce(imported_at::text, '') || '|' || commit_count || '|' || coalesce(import_fingerprint, '') AS key
     FROM repository WHERE id = $1`,
    [repoId],
  );
  return rows[0]?.key ?? "";
}

/**
 * A per-repository in-memory value built from its commit rows, rebuilt when historyKey changes
 * (a failed load is forgotten, so the next call tries again).
 */
export function perHistory<T>(
  load: (db: Pick<Db, "pool">, repoId: number) => Promise<T>,
): (db: Pick<Db, "pool">, repoId: number) => Promise<T> {
  const cache = new Map<number, { key: string; value: Promise<T> }>();
  return async (db, repoId) => {
    const key = await historyKey(db, repoId);
    const hit = cache.get(repoId);
    if (hit && hit.key === key) return hit.value;
    const value = load(db, repoId);
    cache.set(repoId, { key, value });
    value.catch(() => {
      if (cache.get(repoId)?.value === value) cache.delete(repoId);
    });
    return value;
  };
}

export const getChangedPaths = perHistory(load);

async function load(db: Pick<Db, "pool">, repoId: number): Promise<ChangedPaths> {
  // Merges and GitHub-only commits have no paths (an empty or null array).
  const { rows } = await db.pool.query<{
    idx: number;
    paths: string[] | null;
    headline: string;
    author: string;
  }>(
    `SELECT idx, changed_paths AS paths, split_part(message, E'\\n', 1) AS headline, author_name AS author
     FROM "commit" WHERE repo_id = $1 ORDER BY idx`,
    [repoId],
  );
  const size = rows.length ? rows[rows.length - 1]!.idx + 1 : 0;
  const start = new Int32Array(size + 1);
  const ids: number[] = [];
  const idOf = new Map<string, number>();
  const paths: string[] = [];
  const headlines: string[] = new Array(size).fill("");
  const authorIds = new Int32Array(size);
  const authors: string[] = [];
  const authorId = new Map<string, number>();
  let r = 0;
  for (let i = 0; i < size; i++) {
    start[i] = ids.length;
    const row = rows[r];
    if (row && row.idx === i) {
      r++;
      headlines[i] = row.headline;
      let a = authorId.get(row.author);
      if (a === undefined) {
        a = authors.length;
        authors.push(row.author);
        authorId.set(row.author, a);
      }
      authorIds[i] = a;
      for (const p of row.paths ?? []) {
        let id = idOf.get(p);
        if (id === undefined) {
          id = paths.length;
          paths.push(p);
          idOf.set(p, id);
        }
        ids.push(id);
      }
    }
  }
  start[size] = ids.length;
  return new ChangedPaths(paths, start, Int32Array.from(ids), headlines, authorIds, authors);
}
