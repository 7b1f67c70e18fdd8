import {
  clearSuitesStale,
  findMissingCommitShas,
  findStaleSuiteCommits,
  type GithubCheckSuiteRow,
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
import { withTransaction } from "../../store/sql";
import {
  branchHeadsQuery,
  COMMIT_HISTORY_QUERY,
  COMMIT_OBJECTS_BATCH,
  COMMIT_SUITES_BATCH,
  commitObjectsQuery,
  commitSuitesQuery,
  HEADS_BATCH,
  HISTORY_PAGE,
} from "../queries";
import type { Connection, GqlCheckSuite, GqlCommit, PageInfo } from "../types";
import { ALIASES_MAY_BE_GONE, chunk, forEachLimit, type RepoSyncContext } from "./context";
import { commitRow, suiteRow } from "./map";

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
): Promise<Map<string, GqlCheckSuite[]>> {
  const out = new Map<string, GqlCheckSuite[]>();
  let pending = start;
  while (pending.length > 0) {
    const next: { sha: string; after: string | null }[] = [];
    for (const batch of chunk(pending, COMMIT_SUITES_BATCH)) {
      const variables: Record<string, unknown> = { ...ctx.repoVariables };
      batch.forEach((p, i) => {
        variables[`c${i}`] = p.sha;
        variables[`a${i}`] = p.after;
      });
      const data = await ctx.query<{
        repository: Record<string, { oid?: string; checkSuites?: Connection<GqlCheckSuite> } | null>;
      }>(resource, commitSuitesQuery(batch.length), variables, ALIASES_MAY_BE_GONE);
      batch.forEach((p, i) => {
        const suites = data.repository[`c${i}`]?.checkSuites;
        if (!suites) return;
        out.set(p.sha, [...(out.get(p.sha) ?? []), ...suites.nodes]);
        if (suites.pageInfo.hasNextPage) next.push({ sha: p.sha, after: suites.pageInfo.endCursor });
      });
    }
    pending = next;
  }
  return out;
}

/** Every check suite of freshly read commits: the first page came with each commit. */
async function suitesOf(ctx: RepoSyncContext, resource: SyncResource, commits: GqlCommit[]) {
  const rows: GithubCheckSuiteRow[] = [];
  const more: { sha: string; after: string | null }[] = [];
  for (const c of commits) {
    for (const s of c.checkSuites?.nodes ?? []) {
      const row = suiteRow(s);
      if (row) rows.push(row);
    }
    const page: PageInfo | undefined = c.checkSuites?.pageInfo;
    if (page?.hasNextPage) more.push({ sha: c.oid, after: page.endCursor });
  }
  if (more.length > 0) {
    for (const suites of (await readSuites(ctx, resource, more)).values()) {
      for (const s of suites) {
        const row = suiteRow(s);
        if (row) rows.push(row);
      }
    }
  }
  return rows;
}

async function stageCommits(ctx: RepoSyncContext, resource: SyncResource, commits: GqlCommit[]) {
  const rows = commits.map(commitRow);
  const suites = await suitesOf(ctx, resource, commits);
  return { rows, suites };
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
  const variables: Record<string, unknown> = { ...ctx.repoVariables };
  branches.forEach((b, i) => {
    variables[`b${i}`] = b;
  });
  const heads = await ctx.query<{
    repository: { defaultBranchRef: { name: string; target: { oid: string } | null } | null } & Record<
      string,
      { target: { oid: string } | null } | null
    >;
  }>("commits", branchHeadsQuery(branches.length), variables);
  // Kept for a repository no clone is imported into: its branch environments and revisions.
  const defaultHead = heads.repository.defaultBranchRef;
  await recordBranchHeads(ctx.db.pool, ctx.repoId, [
    ...branches.map((name, i) => ({ name, sha: heads.repository[`b${i}`]?.target?.oid ?? null })),
    ...(defaultHead ? [{ name: defaultHead.name, sha: defaultHead.target?.oid ?? null }] : []),
  ]);
  const roots = [
    heads.repository.defaultBranchRef?.target?.oid,
    ...branches.map((_, i) => heads.repository[`b${i}`]?.target?.oid),
  ].filter((oid): oid is string => typeof oid === "string");

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
    const data = await ctx.query<{
      repository: { object: { history?: Connection<GqlCommit> } | null };
    }>("commits", COMMIT_HISTORY_QUERY, {
      ...ctx.repoVariables,
      oid: root,
      first: HISTORY_PAGE,
      after: cursor,
    });
    const history = data.repository.object?.history;
    const fresh: GqlCommit[] = [];
    for (const c of history?.nodes ?? []) {
      need.delete(c.oid);
      if (!known.has(c.oid)) fresh.push(c);
      known.add(c.oid);
      for (const p of c.parents.nodes) if (!known.has(p.oid)) need.add(p.oid);
    }
    // Whatever is still unread once the history ends is left to the commit-object pass.
    const done = !history || need.size === 0 || !history.pageInfo.hasNextPage;
    const { rows, suites } = await stageCommits(ctx, "commits", fresh);
    await withTransaction(ctx.db, async (client) => {
      await stageGithubCommits(client, ctx.repoId, ctx.runId, rows);
      await upsertCheckSuites(client, ctx.repoId, suites);
      await putSyncState(client, ctx.repoId, "commits", {
        highWaterMark: null,
        cursor: null,
        state: {
          paging: done ? null : { root, cursor: history.pageInfo.endCursor, need: [...need].sort() },
        } satisfies HistoryState,
      });
    });
    ctx.wrote("commits", rows.length + suites.length);
    if (done) return;
    cursor = history.pageInfo.endCursor;
  }
}

/**
 * Commits that something points at but no history covered (commits of squash-merged PRs,
 * deployed SHAs of deleted branches, parents not reached yet), read by SHA in batches until
 * nothing is missing. A SHA GitHub has no commit for is remembered and not asked for again.
 */
export async function fillMissingCommits(ctx: RepoSyncContext, known: Set<string>): Promise<void> {
  for (;;) {
    const unresolvable = await getUnresolvableCommits(ctx.db.pool, ctx.repoId);
    const missing = (await findMissingCommitShas(ctx.db.pool, ctx.repoId)).filter(
      (sha) => !unresolvable.has(sha) && !known.has(sha),
    );
    if (missing.length === 0) return;
    await forEachLimit(chunk(missing, COMMIT_OBJECTS_BATCH), 2, async (batch) => {
      const variables: Record<string, unknown> = { ...ctx.repoVariables };
      batch.forEach((sha, i) => {
        variables[`c${i}`] = sha;
      });
      const data = await ctx.query<{ repository: Record<string, GqlCommit | Record<string, never> | null> }>(
        "commit_objects",
        commitObjectsQuery(batch.length),
        variables,
        ALIASES_MAY_BE_GONE,
      );
      const found: GqlCommit[] = [];
      const gone: string[] = [];
      batch.forEach((sha, i) => {
        const c = data.repository[`c${i}`];
        if (c && "oid" in c) found.push(c as GqlCommit);
        else gone.push(sha);
      });
      const { rows, suites } = await stageCommits(ctx, "commit_objects", found);
      await withTransaction(ctx.db, async (client) => {
        await stageGithubCommits(client, ctx.repoId, ctx.runId, rows);
        await upsertCheckSuites(client, ctx.repoId, suites);
        await addUnresolvableCommits(client, ctx.repoId, gone);
      });
      for (const c of found) known.add(c.oid);
      ctx.wrote("commit_objects", rows.length + suites.length);
    });
  }
}

/** Re-reads the suites of commits that gained a deployment (and so a deploy suite) since they were read. */
export async function refreshStaleSuites(ctx: RepoSyncContext): Promise<void> {
  const stale = await findStaleSuiteCommits(ctx.db.pool, ctx.repoId);
  for (const batch of chunk(stale, COMMIT_SUITES_BATCH)) {
    const bySha = await readSuites(
      ctx,
      "check_suites",
      batch.map((sha) => ({ sha, after: null })),
    );
    const rows = [...bySha.values()].flat().flatMap((s) => suiteRow(s) ?? []);
    await withTransaction(ctx.db, async (client) => {
      await upsertCheckSuites(client, ctx.repoId, rows);
      await clearSuitesStale(client, ctx.repoId, batch);
    });
    ctx.wrote("check_suites", rows.length);
  }
}
