import { type GithubPullRequestRow, writePullRequests } from "../../store/github-pull-requests";
import { putSyncState } from "../../store/github-sync-state";
import { withTransaction } from "../../store/sql";
import {
  PULL_REQUEST_PAGE,
  PullRequestCommitsDocument,
  type PullRequestFieldsFragment,
  PullRequestReviewsDocument,
  PullRequestsDocument,
  PullRequestTimelineDocument,
  type ReviewFieldsFragment,
  type TimelineFieldsFragment,
} from "../queries";
import {
  maxIso,
  nextCursor,
  nodesOf,
  passCheckpoint,
  type RepoSyncContext,
  resumePass,
  uniqueBy,
} from "./context";
import { pullRequestRow } from "./map";

/** One of a PR's connections read to its end: the first page came with the PR, the rest (rare) here. */
async function readRest<T, R>(
  first: {
    nodes?: ReadonlyArray<T | null> | null;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  },
  fetchPage: (after: string) => Promise<typeof first | null | undefined>,
  keep: (node: T) => R,
): Promise<R[]> {
  const items = nodesOf(first).map(keep);
  let after = nextCursor(first);
  while (after) {
    const page = await fetchPage(after);
    items.push(...nodesOf(page).map(keep));
    const next = nextCursor(page);
    // A server that hands back the cursor it was given would otherwise be asked forever.
    after = next !== after ? next : null;
  }
  return items;
}

async function readPullRequest(
  ctx: RepoSyncContext,
  pr: PullRequestFieldsFragment,
): Promise<GithubPullRequestRow> {
  const vars = (after: string) => ({ ...ctx.repoVariables, number: pr.number, after });
  const commits = await readRest(
    pr.commits,
    async (after) =>
      (await ctx.query("pull_requests", PullRequestCommitsDocument, vars(after))).repository?.pullRequest
        ?.commits,
    (n) => n.commit.oid,
  );
  const reviews = pr.reviews
    ? await readRest<ReviewFieldsFragment, ReviewFieldsFragment>(
        pr.reviews,
        async (after) =>
          (await ctx.query("pull_requests", PullRequestReviewsDocument, vars(after))).repository?.pullRequest
            ?.reviews,
        (n) => n,
      )
    : [];
  const timeline = await readRest<TimelineFieldsFragment, TimelineFieldsFragment>(
    pr.timelineItems,
    async (after) =>
      (await ctx.query("pull_requests", PullRequestTimelineDocument, vars(after))).repository?.pullRequest
        ?.timelineItems,
    (n) => n,
  );
  return pullRequestRow(pr, { commits, reviews, timeline });
}

/**
 * PRs most recently updated first, down to the previous pass's high-water mark. A review, a
 * dismissal or a push bumps `updatedAt`, so an old PR with late activity is read again whole.
 */
export async function syncPullRequests(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const pass = await resumePass(ctx, "pull_requests", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
  for (;;) {
    const data = await ctx.query("pull_requests", PullRequestsDocument, {
      ...ctx.repoVariables,
      first: PULL_REQUEST_PAGE,
      after: cursor,
    });
    const page = data.repository?.pullRequests;
    const nodes = nodesOf(page);
    const fresh = mark ? nodes.filter((p) => Date.parse(p.updatedAt) >= mark.getTime()) : nodes;
    for (const p of nodes) passMax = maxIso(passMax, p.updatedAt);
    const next = nextCursor(page);
    const done = fresh.length < nodes.length || next === null;
    const rows: GithubPullRequestRow[] = [];
    for (const pr of fresh) rows.push(await readPullRequest(ctx, pr));
    await withTransaction(ctx.db, async (client) => {
      await writePullRequests(
        client,
        ctx.repoId,
        uniqueBy(rows, (r) => r.number),
      );
      await putSyncState(client, ctx.repoId, "pull_requests", passCheckpoint(mark, passMax, done, next));
    });
    ctx.wrote("pull_requests", rows.length);
    if (done) break;
    cursor = next;
  }
}
