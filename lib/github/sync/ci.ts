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
  AllDeploymentReviewsDocument,
  batchItems,
  batchVariables,
  CHECK_RUNS_BATCH,
  checkRunsQuery,
  DEPLOYMENT_REVIEWS_BATCH,
  DEPLOYMENT_REVIEWS_PER_RUN,
  type DeploymentReviewFieldsFragment,
  deploymentReviewsQuery,
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
import { checkRunRow, deploymentReviewNodes, suiteRow } from "./map";

/**
 * Check runs of every suite not read for its current state, by suite node id: one request per
 * suite (a suite's runs cannot ride along with its commit without paying for every suite page).
 * The suite's own fields come back too, so a suite that was still running is refreshed.
 */
export async function syncCheckRuns(ctx: RepoSyncContext): Promise<void> {
  if (ctx.isDenied("checks")) return;
  const suites = await findSuitesNeedingRuns(ctx.db.pool, ctx.repoId);
  await forEachLimit(chunk(suites, CHECK_RUNS_BATCH), 2, async (batch) => {
    const suiteRows: GithubCheckSuiteRow[] = [];
    const runs: GithubCheckRunRow[] = [];
    let pending = batch.map((s) => ({
      nodeId: s.nodeId,
      databaseId: s.databaseId,
      after: null as string | null,
    }));
    while (pending.length > 0) {
      const data = await ctx.query(
        "check_runs",
        checkRunsQuery(pending.length),
        {
          ...batchVariables(
            "s",
            pending.map((p) => p.nodeId),
          ),
          ...batchVariables(
            "a",
            pending.map((p) => p.after),
          ),
        },
        ALIASES_MAY_BE_GONE,
      );
      const next: typeof pending = [];
      batchItems(data, "s", pending.length).forEach((s, i) => {
        const p = pending[i]!;
        const row = s?.__typename === "CheckSuite" ? suiteRow(s) : null;
        // The suite answered for is the one asked for, or it is not this suite's runs.
        if (s?.__typename !== "CheckSuite" || !row || row.databaseId !== p.databaseId) return;
        if (p.after === null) suiteRows.push(row);
        for (const r of nodesOf(s.checkRuns)) {
          const runRow = checkRunRow(row.databaseId, r);
          if (runRow) runs.push(runRow);
        }
        const after = nextCursor(s.checkRuns);
        if (after && after !== p.after) next.push({ ...p, after });
      });
      pending = next;
    }
    // A suite GitHub no longer has keeps its old runs; marking it read stops asking every run.
    // One the token may not read is not gone: it is asked again once the token may.
    const gone = ctx.isDenied("checks")
      ? []
      : batch.filter((s) => !suiteRows.some((r) => r.databaseId === s.databaseId));
    await withTransaction(ctx.db, async (client) => {
      await upsertCheckSuites(client, ctx.repoId, suiteRows);
      await replaceCheckRuns(
        client,
        ctx.repoId,
        suiteRows,
        uniqueBy(runs, (r) => r.databaseId),
      );
      await markRunsReadForStoredState(
        client,
        ctx.repoId,
        gone.map((s) => s.databaseId),
      );
    });
    ctx.wrote("check_runs", runs.length);
  });
}

/** Approvals and rejections of deployments to protected environments, per workflow run. */
export async function syncDeploymentReviews(ctx: RepoSyncContext): Promise<void> {
  if (ctx.isDenied("actions")) return;
  const runs = await findRunsNeedingReviews(ctx.db.pool, ctx.repoId);
  for (const batch of chunk(runs, DEPLOYMENT_REVIEWS_BATCH)) {
    const data = await ctx.query(
      "deployment_reviews",
      deploymentReviewsQuery(batch.length),
      batchVariables(
        "w",
        batch.map((r) => r.nodeId),
      ),
      ALIASES_MAY_BE_GONE,
    );
    const rows: GithubDeploymentReviewRow[] = [];
    const answers = batchItems(data, "w", batch.length);
    for (const [i, run] of batch.entries()) {
      const found = answers[i];
      let reviews: DeploymentReviewFieldsFragment[] = [];
      if (found?.__typename === "WorkflowRun") {
        reviews = nodesOf(found.deploymentReviews);
        if (found.deploymentReviews.totalCount > DEPLOYMENT_REVIEWS_PER_RUN) {
          const all = await ctx.query("deployment_reviews", AllDeploymentReviewsDocument, { id: run.nodeId });
          reviews = all.node?.__typename === "WorkflowRun" ? nodesOf(all.node.deploymentReviews) : [];
        }
      }
      reviews.forEach((r, position) => {
        rows.push({ workflowRunId: run.databaseId, position, ...deploymentReviewNodes(r) });
      });
    }
    // The reviews are replaced whole: a denied answer must not empty what is stored.
    if (ctx.isDenied("actions")) return;
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
