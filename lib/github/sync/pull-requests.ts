import { type GithubPullRequestRow, writePullRequests } from "../../store/github-pull-requests";
import { getSyncState, putSyncState } from "../../store/github-sync-state";
import { withTransaction } from "../../store/sql";
import {
  PULL_REQUEST_COMMITS_QUERY,
  PULL_REQUEST_PAGE,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_TIMELINE_QUERY,
  PULL_REQUESTS_QUERY,
} from "../queries";
import type { Connection, GqlPullRequest, GqlReview, GqlTimelineItem } from "../types";
import { maxIso, type RepoSyncContext } from "./context";
import { pullRequestRow } from "./map";

interface PassState {
  passMax: string | null;
}

type PrField = "commits" | "reviews" | "timelineItems";
const FOLLOW_UP: Record<PrField, string> = {
  commits: PULL_REQUEST_COMMITS_QUERY,
  reviews: PULL_REQUEST_REVIEWS_QUERY,
  timelineItems: PULL_REQUEST_TIMELINE_QUERY,
};

/** The rest of one of a PR's connections, when the page's first 100 were not all. */
async function rest<T>(ctx: RepoSyncContext, pr: GqlPullRequest, field: PrField): Promise<T[]> {
  const items = [...(pr[field].nodes as T[])];
  let page = pr[field].pageInfo;
  while (page.hasNextPage) {
    const data: { repository: { pullRequest: Record<PrField, Connection<T>> } } = await ctx.query(
      "pull_requests",
      FOLLOW_UP[field],
      { ...ctx.repoVariables, number: pr.number, after: page.endCursor },
    );
    const conn = data.repository.pullRequest[field];
    items.push(...conn.nodes);
    page = conn.pageInfo;
  }
  return items;
}

/**
 * PRs most recently updated first, down to the previous pass's high-water mark. A review, a
 * dismissal or a push bumps `updatedAt`, so an old PR with late activity is read again whole.
 */
export async function syncPullRequests(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const saved = await getSyncState<PassState>(ctx.db.pool, ctx.repoId, "pull_requests");
  const mark = full ? null : saved.highWaterMark;
  let cursor = full ? null : saved.cursor;
  let passMax = full ? null : (saved.state?.passMax ?? null);
  for (;;) {
    const data = await ctx.query<{ repository: { pullRequests: Connection<GqlPullRequest> } }>(
      "pull_requests",
      PULL_REQUESTS_QUERY,
      { ...ctx.repoVariables, first: PULL_REQUEST_PAGE, after: cursor },
    );
    const page = data.repository.pullRequests;
    const fresh = mark ? page.nodes.filter((p) => Date.parse(p.updatedAt) >= mark.getTime()) : page.nodes;
    for (const p of page.nodes) passMax = maxIso(passMax, p.updatedAt);
    const done = fresh.length < page.nodes.length || !page.pageInfo.hasNextPage;
    const rows: GithubPullRequestRow[] = [];
    for (const pr of fresh) {
      const commits = await rest<{ commit: { oid: string } }>(ctx, pr, "commits");
      rows.push(
        pullRequestRow(pr, {
          commits: commits.map((c) => c.commit.oid),
          reviews: await rest<GqlReview>(ctx, pr, "reviews"),
          timeline: await rest<GqlTimelineItem>(ctx, pr, "timelineItems"),
        }),
      );
    }
    await withTransaction(ctx.db, async (client) => {
      await writePullRequests(client, ctx.repoId, rows);
      await putSyncState(
        client,
        ctx.repoId,
        "pull_requests",
        done
          ? { highWaterMark: passMax ?? mark, cursor: null, state: null }
          : { highWaterMark: mark, cursor: page.pageInfo.endCursor, state: { passMax } satisfies PassState },
      );
    });
    ctx.wrote("pull_requests", rows.length);
    if (done) break;
    cursor = page.pageInfo.endCursor;
  }
}
