import { type GithubPullRequestRow, writePullRequests } from "../../store/github-pull-requests";
import { putSyncState } from "../../store/github-sync-state";
import { withTransaction } from "../../store/sql";
import {
  PULL_REQUEST_COMMITS_QUERY,
  PULL_REQUEST_PAGE,
  PULL_REQUEST_REVIEWS_QUERY,
  PULL_REQUEST_TIMELINE_QUERY,
  PULL_REQUESTS_QUERY,
} from "../queries";
import type { Connection, GqlPullRequest, GqlReview, GqlTimelineItem } from "../types";
import { maxIso, passCheckpoint, type RepoSyncContext, resumePass } from "./context";
import { pullRequestRow } from "./map";

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
  const pass = await resumePass(ctx, "pull_requests", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
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
        passCheckpoint(mark, passMax, done, page.pageInfo.endCursor),
      );
    });
    ctx.wrote("pull_requests", rows.length);
    if (done) break;
    cursor = page.pageInfo.endCursor;
  }
}
