import {
  clearSuitesStale,
  findMissingCommitShas,
  findStaleSuiteCommits,
  type GithubCheckSuiteRow,
  type GithubCommitRow,
  markSuitesUnread,
  stageGithubCommits,
  upsertCheckSuites,
} from "../../store/github-commits";
import { recordBranchHeads } from "../../store/github-refs";
import {
  addUnresolvableCommits,
  getSyncState,
  getUnresolvableCommits,
  putSyncState,
  type SyncResource,
} from "../../store/github-sync-state";
import { type Queryable, withTransaction } from "../../store/sql";
import {
  batchItems,
  batchVariables,
  branchHeadsQuery,
  COMMIT_OBJECTS_BATCH,
  COMMIT_SUITES_BATCH,
  type CommitFieldsFragment,
  CommitHistoryDocument,
  commitObjectsQuery,
  commitSuitesQuery,
  HEADS_BATCH,
  HISTORY_PAGE,
  type SuiteFieldsFragment,
} from "../queries";
import {
  ALIASES_MAY_BE_GONE,
  chunk,
  forEachLimit,
  nextCursor,
  nodesOf,
  type RepoSyncContext,
  uniqueBy,
} from "./context";
import { commitRow, shaOrNull, suiteRow } from "./map";

interface HistoryState {
  /** A history being paged: from which commit, where, and which parents are still unread. */
  paging: { root: string; cursor: string | null; need: string[] } | null;
}

/**
 * Check suites of the given commits past the page that came with them, by commit. Aliased
 * `object(oid:)` fields page each commit's suites on their own cursor.
 */
async function readSuites(
  ctx: RepoSyncContext,
  resource: SyncResource,
  start: { sha: string; after: string | null }[],
): Promise<Map<string, SuiteFieldsFragment[]>> {
  const out = new Map<string, SuiteFieldsFragment[]>();
  let pending = start;
  while (pending.length > 0) {
    const next: { sha: string; after: string | null }[] = [];
    for (const batch of chunk(pending, COMMIT_SUITES_BATCH)) {
      const data = await ctx.query(
        resource,
        commitSuitesQuery(batch.length),
        {
          ...ctx.repoVariables,
          ...batchVariables(
            "c",
            batch.map((p) => p.sha),
          ),
          ...batchVariables(
            "a",
            batch.map((p) => p.after),
          ),
        },
        ALIASES_MAY_BE_GONE,
      );
      batchItems(data.repository, "c", batch.length).forEach((object, i) => {
        const p = batch[i]!;
        if (object?.__typename !== "Commit") return;
        out.set(p.sha, [...(out.get(p.sha) ?? []), ...nodesOf(object.checkSuites)]);
        const after = nextCursor(object.checkSuites);
        if (after && after !== p.after) next.push({ sha: p.sha, after });
      });
    }
    pending = next;
  }
  return out;
}

/** Every check suite of freshly read commits: the first page came with each commit. */
async function suitesOf(ctx: RepoSyncContext, resource: SyncResource, commits: CommitFieldsFragment[]) {
  const suites: SuiteFieldsFragment[] = [];
  const more: { sha: string; after: string | null }[] = [];
  for (const c of commits) {
    suites.push(...nodesOf(c.checkSuites));
    const after = nextCursor(c.checkSuites);
    if (after) more.push({ sha: c.oid, after });
  }
  if (more.length > 0) {
    for (const rest of (await readSuites(ctx, resource, more)).values()) suites.push(...rest);
  }
  return suiteRows(suites);
}

function suiteRows(suites: SuiteFieldsFragment[]): GithubCheckSuiteRow[] {
  return uniqueBy(
    suites.flatMap((s) => suiteRow(s) ?? []),
    (s) => s.databaseId,
  );
}

/**
 * Commits read while the token may not read checks came without their suites: they are marked
 * for re-reading, so a later run with the permission fills them in.
 */
async function keepSuitesUnreadIfDenied(ctx: RepoSyncContext, client: Queryable, rows: GithubCommitRow[]) {
  if (ctx.isDenied("checks"))
    await markSuitesUnread(
      client,
      ctx.repoId,
      rows.map((r) => r.sha),
    );
}

/** Commits as rows (those whose parents are all known) with every check suite they carry. */
async function stageCommits(ctx: RepoSyncContext, resource: SyncResource, commits: CommitFieldsFragment[]) {
  const rows: GithubCommitRow[] = [];
  const usable: CommitFieldsFragment[] = [];
  for (const c of commits) {
    const row = commitRow(c);
    if (row) {
      rows.push(row);
      usable.push(c);
    }
  }
  const suites = await suitesOf(ctx, resource, usable);
  return { rows: uniqueBy(rows, (r) => r.sha), suites };
}

/**
 * History of the default branch and of the branches environments follow, newest first, from
 * each head that is not staged yet, until every parent of what was read is staged: after the
 * first run that is the new commits and one page. Each page lands with its checkpoint (the
 * cursor and the parents still unread), so a killed run resumes on the same page.
 */
export async function syncBranchHistory(ctx: RepoSyncContext, known: Set<string>): Promise<void> {
  const branches = [
    ...new Set(
      ctx.config.environments.flatMap((e) => (e.source.branch !== undefined ? [e.source.branch] : [])),
    ),
  ].slice(0, HEADS_BATCH);
  const heads = await ctx.query("commits", branchHeadsQuery(branches.length), {
    ...ctx.repoVariables,
    ...batchVariables("b", branches),
  });
  // Kept for a repository no clone is imported into: its branch environments and revisions.
  // No repository in the answer says nothing about its branches: nothing is recorded then.
  const repository = heads.repository;
  if (repository) {
    const defaultHead = repository.defaultBranchRef;
    await recordBranchHeads(ctx.db.pool, ctx.repoId, [
      ...batchItems(repository, "b", branches.length).map((ref, i) => ({
        name: branches[i]!,
        sha: shaOrNull(ref?.target?.oid),
      })),
      ...(defaultHead ? [{ name: defaultHead.name, sha: shaOrNull(defaultHead.target?.oid) }] : []),
    ]);
  }
  const roots = [
    heads.repository?.defaultBranchRef?.target?.oid,
    ...batchItems(heads.repository, "b", branches.length).map((ref) => ref?.target?.oid),
  ].flatMap((oid) => shaOrNull(oid) ?? []);

  const saved = await getSyncState<HistoryState>(ctx.db.pool, ctx.repoId, "commits");
  const resume = saved.state?.paging ?? null;
  if (resume) await pageHistory(ctx, known, resume.root, resume.cursor, new Set(resume.need));
  for (const root of new Set(roots)) {
    if (!known.has(root)) await pageHistory(ctx, known, root, null, new Set([root]));
  }
}

async function pageHistory(
  ctx: RepoSyncContext,
  known: Set<string>,
  root: string,
  startCursor: string | null,
  need: Set<string>,
): Promise<void> {
  let cursor = startCursor;
  for (;;) {
    const data = await ctx.query("commits", CommitHistoryDocument, {
      ...ctx.repoVariables,
      oid: root,
      first: HISTORY_PAGE,
      after: cursor,
    });
    const object = data.repository?.object;
    const history = object?.__typename === "Commit" ? object.history : null;
    const fresh: CommitFieldsFragment[] = [];
    for (const c of nodesOf(history)) {
      need.delete(c.oid);
      if (!known.has(c.oid)) fresh.push(c);
      known.add(c.oid);
      for (const p of nodesOf(c.parents)) if (!known.has(p.oid)) need.add(p.oid);
    }
    // Whatever is still unread once the history ends is left to the commit-object pass.
    const next = nextCursor(history);
    const done = need.size === 0 || next === null || next === cursor;
    const { rows, suites } = await stageCommits(ctx, "commits", fresh);
    await withTransaction(ctx.db, async (client) => {
      await stageGithubCommits(client, ctx.repoId, ctx.runId, rows);
      await upsertCheckSuites(client, ctx.repoId, suites);
      await keepSuitesUnreadIfDenied(ctx, client, rows);
      await putSyncState(client, ctx.repoId, "commits", {
        highWaterMark: null,
        cursor: null,
        state: {
          paging: done ? null : { root, cursor: next, need: [...need].sort() },
        } satisfies HistoryState,
      });
    });
    ctx.wrote("commits", rows.length + suites.length);
    if (done) return;
    cursor = next;
  }
}

/**
 * Commits that something points at but no history covered (commits of squash-merged PRs,
 * deployed SHAs of deleted branches, parents not reached yet), read by SHA in batches until
 * nothing is missing. A SHA GitHub has no commit for (or none Lineage can place: another
 * object, another SHA, an incomplete parent list) is remembered and not asked for again.
 */
export async function fillMissingCommits(ctx: RepoSyncContext, known: Set<string>): Promise<void> {
  for (;;) {
    const unresolvable = await getUnresolvableCommits(ctx.db.pool, ctx.repoId);
    const missing = (await findMissingCommitShas(ctx.db.pool, ctx.repoId)).filter(
      (sha) => !unresolvable.has(sha) && !known.has(sha),
    );
    if (missing.length === 0) return;
    await forEachLimit(chunk(missing, COMMIT_OBJECTS_BATCH), 2, async (batch) => {
      const data = await ctx.query(
        "commit_objects",
        commitObjectsQuery(batch.length),
        { ...ctx.repoVariables, ...batchVariables("c", batch) },
        ALIASES_MAY_BE_GONE,
      );
      const found: CommitFieldsFragment[] = [];
      batchItems(data.repository, "c", batch.length).forEach((object, i) => {
        if (object?.__typename === "Commit" && shaOrNull(object.oid) === batch[i]) found.push(object);
      });
      const { rows, suites } = await stageCommits(ctx, "commit_objects", found);
      const staged = new Set(rows.map((r) => r.sha));
      const gone = batch.filter((sha) => !staged.has(sha));
      await withTransaction(ctx.db, async (client) => {
        await stageGithubCommits(client, ctx.repoId, ctx.runId, rows);
        await upsertCheckSuites(client, ctx.repoId, suites);
        await keepSuitesUnreadIfDenied(ctx, client, rows);
        await addUnresolvableCommits(client, ctx.repoId, gone);
      });
      for (const sha of staged) known.add(sha);
      ctx.wrote("commit_objects", rows.length + suites.length);
    });
  }
}

/** Re-reads the suites of commits that gained a deployment (and so a deploy suite) since they were read. */
export async function refreshStaleSuites(ctx: RepoSyncContext): Promise<void> {
  if (ctx.isDenied("checks")) return;
  const stale = await findStaleSuiteCommits(ctx.db.pool, ctx.repoId);
  for (const batch of chunk(stale, COMMIT_SUITES_BATCH)) {
    const bySha = await readSuites(
      ctx,
      "check_suites",
      batch.map((sha) => ({ sha, after: null })),
    );
    const rows = suiteRows([...bySha.values()].flat());
    const denied = ctx.isDenied("checks");
    await withTransaction(ctx.db, async (client) => {
      await upsertCheckSuites(client, ctx.repoId, rows);
      if (!denied) await clearSuitesStale(client, ctx.repoId, batch);
    });
    if (denied) return;
    ctx.wrote("check_suites", rows.length);
  }
}
