import {
  findRunsNeedingReviews,
  findSuitesNeedingRuns,
  type GithubCheckRunRow,
  type GithubDeploymentReviewRow,
  markRunsReadForStoredState,
  replaceCheckRuns,
  replaceDeploymentReviews,
} from "../../store/github-ci";
import { type GithubCheckSuiteRow, upsertCheckSuites } from "../../store/github-commits";
import { withTransaction } from "../../store/sql";
import {
  ALL_DEPLOYMENT_REVIEWS_QUERY,
  CHECK_RUNS_BATCH,
  checkRunsQuery,
  DEPLOYMENT_REVIEWS_BATCH,
  DEPLOYMENT_REVIEWS_PER_RUN,
  deploymentReviewsQuery,
} from "../queries";
import type { Connection, GqlCheckRun, GqlCheckSuite, GqlDeploymentReview } from "../types";
import { ALIASES_MAY_BE_GONE, chunk, forEachLimit, type RepoSyncContext } from "./context";
import { checkRunRow, suiteRow } from "./map";

type SuiteWithRuns = GqlCheckSuite & { checkRuns: Connection<GqlCheckRun> };

/**
 * Check runs of every suite not read for its current state, by suite node id: one request per
 * suite (a suite's runs cannot ride along with its commit without paying for every suite page).
 * The suite's own fields come back too, so a suite that was still running is refreshed.
 */
export async function syncCheckRuns(ctx: RepoSyncContext): Promise<void> {
  const suites = await findSuitesNeedingRuns(ctx.db.pool, ctx.repoId);
  await forEachLimit(chunk(suites, CHECK_RUNS_BATCH), 2, async (batch) => {
    const suiteRows: GithubCheckSuiteRow[] = [];
    const runs: GithubCheckRunRow[] = [];
    let pending = batch.map((s) => ({ nodeId: s.nodeId, after: null as string | null }));
    while (pending.length > 0) {
      const variables: Record<string, unknown> = {};
      pending.forEach((p, i) => {
        variables[`s${i}`] = p.nodeId;
        variables[`a${i}`] = p.after;
      });
      const data = await ctx.query<Record<string, SuiteWithRuns | null>>(
        "check_runs",
        checkRunsQuery(pending.length),
        variables,
        ALIASES_MAY_BE_GONE,
      );
      const next: typeof pending = [];
      pending.forEach((p, i) => {
        const s = data[`s${i}`];
        const row = s ? suiteRow(s) : null;
        if (!s || !row) return;
        if (p.after === null) suiteRows.push(row);
        for (const r of s.checkRuns.nodes) {
          const runRow = checkRunRow(row.databaseId, r);
          if (runRow) runs.push(runRow);
        }
        if (s.checkRuns.pageInfo.hasNextPage)
          next.push({ nodeId: p.nodeId, after: s.checkRuns.pageInfo.endCursor });
      });
      pending = next;
    }
    // A suite GitHub no longer has keeps its old runs; marking it read stops asking every run.
    const gone = batch.filter((s) => !suiteRows.some((r) => r.databaseId === s.databaseId));
    await withTransaction(ctx.db, async (client) => {
      await upsertCheckSuites(client, ctx.repoId, suiteRows);
      await replaceCheckRuns(client, ctx.repoId, suiteRows, runs);
      await markRunsReadForStoredState(
        client,
        ctx.repoId,
        gone.map((s) => s.databaseId),
      );
    });
    ctx.wrote("check_runs", runs.length);
  });
}

interface RunReviews {
  databaseId: number | null;
  deploymentReviews: { totalCount: number; nodes: GqlDeploymentReview[] };
}

/** Approvals and rejections of deployments to protected environments, per workflow run. */
export async function syncDeploymentReviews(ctx: RepoSyncContext): Promise<void> {
  const runs = await findRunsNeedingReviews(ctx.db.pool, ctx.repoId);
  for (const batch of chunk(runs, DEPLOYMENT_REVIEWS_BATCH)) {
    const variables: Record<string, unknown> = {};
    batch.forEach((r, i) => {
      variables[`w${i}`] = r.nodeId;
    });
    const data = await ctx.query<Record<string, RunReviews | null>>(
      "deployment_reviews",
      deploymentReviewsQuery(batch.length),
      variables,
      ALIASES_MAY_BE_GONE,
    );
    const rows: GithubDeploymentReviewRow[] = [];
    for (const [i, run] of batch.entries()) {
      let found = data[`w${i}`];
      if (found && found.deploymentReviews.totalCount > DEPLOYMENT_REVIEWS_PER_RUN) {
        const all = await ctx.query<{ node: RunReviews | null }>(
          "deployment_reviews",
          ALL_DEPLOYMENT_REVIEWS_QUERY,
          {
            id: run.nodeId,
          },
        );
        found = all.node;
      }
      found?.deploymentReviews.nodes.forEach((r, position) => {
        rows.push({
          workflowRunId: run.databaseId,
          position,
          databaseId: r.databaseId,
          state: r.state,
          comment: r.comment,
          userLogin: r.user?.login ?? null,
          environments: r.environments.nodes.map((e) => e.name),
        });
      });
    }
    await withTransaction(ctx.db, (client) =>
      replaceDeploymentReviews(
        client,
        ctx.repoId,
        batch.map((r) => r.databaseId),
        rows,
      ),
    );
    ctx.wrote("deployment_reviews", rows.length);
  }
}
