import { markSuitesStale } from "../../store/github-commits";
import {
  findDeploymentsToRefresh,
  findStoredDeploymentIds,
  type GithubDeploymentRow,
  replaceGithubEnvironments,
  writeDeployments,
} from "../../store/github-deployments";
import { putSyncState } from "../../store/github-sync-state";
import { withTransaction } from "../../store/sql";
import {
  batchItems,
  batchVariables,
  DEPLOYMENT_PAGE,
  DEPLOYMENT_REFRESH_BATCH,
  type DeploymentFieldsFragment,
  DeploymentStatusesDocument,
  type DeploymentStatusFieldsFragment,
  type DeploymentsQuery,
  deploymentsQuery,
  EnvironmentsDocument,
} from "../queries";
import {
  ALIASES_MAY_BE_GONE,
  chunk,
  maxIso,
  nextCursor,
  nodesOf,
  passCheckpoint,
  type RepoSyncContext,
  resumePass,
  uniqueBy,
} from "./context";
import { deploymentRow, type EnvironmentNode, environmentRow } from "./map";

/** GitHub environments and protection rules: a handful of rows, listed whole every run. */
export async function syncGithubEnvironments(ctx: RepoSyncContext): Promise<void> {
  const environments: EnvironmentNode[] = [];
  let after: string | null = null;
  do {
    const data = await ctx.query("environments", EnvironmentsDocument, { ...ctx.repoVariables, after });
    const page = data.repository?.environments;
    environments.push(...nodesOf(page));
    const next = nextCursor(page);
    after = next !== after ? next : null;
  } while (after);
  // The list is replaced whole: a token that may not read it must not empty what is stored.
  if (ctx.isDenied("environments")) return;
  await withTransaction(ctx.db, async (client) => {
    await replaceGithubEnvironments(
      client,
      ctx.repoId,
      uniqueBy(environments.map(environmentRow), (e) => e.name),
    );
    await putSyncState(client, ctx.repoId, "environments", {
      highWaterMark: null,
      cursor: null,
      state: null,
    });
  });
  ctx.wrote("environments", environments.length);
}

/** All statuses of a deployment: the first page came with it, the rest (rare) are paged here. */
async function allStatuses(
  ctx: RepoSyncContext,
  d: DeploymentFieldsFragment,
): Promise<DeploymentStatusFieldsFragment[]> {
  const statuses = nodesOf(d.statuses);
  let after = nextCursor(d.statuses);
  while (after) {
    const data = await ctx.query("deployments", DeploymentStatusesDocument, { id: d.id, after });
    const page = data.node?.__typename === "Deployment" ? data.node.statuses : null;
    statuses.push(...nodesOf(page));
    const next = nextCursor(page);
    after = next !== after ? next : null;
  }
  return statuses;
}

/**
 * Deployments newest first, down to the previous pass's newest (CREATED_AT is GitHub's only
 * order). Deployments already stored whose outcome can still change ride along by node id on
 * the first page. A deployment not seen before marks its commit's check suites for re-reading,
 * since its deploy workflow added a suite there after that commit was read.
 */
export async function syncDeployments(ctx: RepoSyncContext, full: boolean): Promise<void> {
  const pass = await resumePass(ctx, "deployments", full);
  const mark = pass.mark;
  let { cursor, passMax } = pass;
  let refresh = cursor === null ? await findDeploymentsToRefresh(ctx.db.pool, ctx.repoId) : [];
  const extraRefresh = chunk(refresh.slice(DEPLOYMENT_REFRESH_BATCH), DEPLOYMENT_REFRESH_BATCH);
  refresh = refresh.slice(0, DEPLOYMENT_REFRESH_BATCH);

  for (;;) {
    const data = await ctx.query(
      "deployments",
      deploymentsQuery(refresh.length),
      { ...ctx.repoVariables, first: DEPLOYMENT_PAGE, after: cursor, ...batchVariables("r", refresh) },
      ALIASES_MAY_BE_GONE,
    );
    const page = data.repository?.deployments;
    const nodes = nodesOf(page);
    const fresh = mark ? nodes.filter((d) => Date.parse(d.createdAt) >= mark.getTime()) : nodes;
    const refreshed = refreshedDeployments(data, refresh.length);
    for (const d of nodes) passMax = maxIso(passMax, d.createdAt);
    const next = nextCursor(page);
    const done = fresh.length < nodes.length || next === null || next === cursor;
    const rows = await toRows(ctx, [...fresh, ...refreshed]);
    await withTransaction(ctx.db, async (client) => {
      const stored = await findStoredDeploymentIds(
        client,
        ctx.repoId,
        rows.map((d) => d.databaseId),
      );
      await markSuitesStale(
        client,
        ctx.repoId,
        ctx.runId,
        rows.filter((d) => !stored.has(d.databaseId)).map((d) => d.sha),
      );
      await writeDeployments(client, ctx.repoId, rows);
      await putSyncState(client, ctx.repoId, "deployments", passCheckpoint(mark, passMax, done, next));
    });
    ctx.wrote("deployments", rows.length);
    if (done) break;
    cursor = next;
    refresh = [];
  }

  // More deployments to refresh than one page carries: the rest by node id alone.
  for (const ids of extraRefresh) {
    const data = await ctx.query(
      "deployments",
      deploymentsQuery(ids.length),
      { ...ctx.repoVariables, first: 1, after: null, ...batchVariables("r", ids) },
      ALIASES_MAY_BE_GONE,
    );
    const refreshed = refreshedDeployments(data, ids.length);
    const rows = await toRows(ctx, refreshed);
    await withTransaction(ctx.db, (client) => writeDeployments(client, ctx.repoId, rows));
    ctx.wrote("deployments", rows.length);
  }
}

/** The deployments refreshed by node id (`r0`…) that GitHub still has. */
function refreshedDeployments(data: Parameters<typeof batchItems<"r", DeploymentsQuery>>[0], n: number) {
  return batchItems(data, "r", n).flatMap((d) => (d?.__typename === "Deployment" ? [d] : []));
}

async function toRows(
  ctx: RepoSyncContext,
  deployments: DeploymentFieldsFragment[],
): Promise<GithubDeploymentRow[]> {
  const byId = new Map<number, GithubDeploymentRow>();
  for (const d of deployments) {
    const row = deploymentRow(d, await allStatuses(ctx, d));
    if (row) byId.set(row.databaseId, row);
  }
  return [...byId.values()];
}
