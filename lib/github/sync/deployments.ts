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
  DEPLOYMENT_PAGE,
  DEPLOYMENT_REFRESH_BATCH,
  DEPLOYMENT_STATUSES_QUERY,
  deploymentsQuery,
  ENVIRONMENTS_QUERY,
} from "../queries";
import type { Connection, GqlDeployment, GqlDeploymentStatus, GqlEnvironment } from "../types";
import {
  ALIASES_MAY_BE_GONE,
  chunk,
  maxIso,
  passCheckpoint,
  type RepoSyncContext,
  resumePass,
} from "./context";
import { deploymentRow, environmentRow } from "./map";

/** GitHub environments and protection rules: a handful of rows, listed whole every run. */
export async function syncGithubEnvironments(ctx: RepoSyncContext): Promise<void> {
  const environments: GqlEnvironment[] = [];
  let after: string | null = null;
  do {
    const data: { repository: { environments: Connection<GqlEnvironment> } } = await ctx.query(
      "environments",
      ENVIRONMENTS_QUERY,
      { ...ctx.repoVariables, after },
    );
    environments.push(...data.repository.environments.nodes);
    after = data.repository.environments.pageInfo.hasNextPage
      ? data.repository.environments.pageInfo.endCursor
      : null;
  } while (after);
  await withTransaction(ctx.db, async (client) => {
    await replaceGithubEnvironments(client, ctx.repoId, environments.map(environmentRow));
    await putSyncState(client, ctx.repoId, "environments", {
      highWaterMark: null,
      cursor: null,
      state: null,
    });
  });
  ctx.wrote("environments", environments.length);
}

/** All statuses of a deployment: the first page came with it, the rest (rare) are paged here. */
async function allStatuses(ctx: RepoSyncContext, d: GqlDeployment): Promise<GqlDeploymentStatus[]> {
  const statuses = [...(d.statuses?.nodes ?? [])];
  let page = d.statuses?.pageInfo;
  while (page?.hasNextPage) {
    const data: { node: { statuses: Connection<GqlDeploymentStatus> } } = await ctx.query(
      "deployments",
      DEPLOYMENT_STATUSES_QUERY,
      { id: d.id, after: page.endCursor },
    );
    statuses.push(...data.node.statuses.nodes);
    page = data.node.statuses.pageInfo;
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
    const variables: Record<string, unknown> = {
      ...ctx.repoVariables,
      first: DEPLOYMENT_PAGE,
      after: cursor,
    };
    refresh.forEach((nodeId, i) => {
      variables[`r${i}`] = nodeId;
    });
    const data = await ctx.query<
      { repository: { deployments: Connection<GqlDeployment> } } & Record<string, unknown>
    >("deployments", deploymentsQuery(refresh.length), variables, ALIASES_MAY_BE_GONE);
    const page = data.repository.deployments;
    const fresh = mark ? page.nodes.filter((d) => Date.parse(d.createdAt) >= mark.getTime()) : page.nodes;
    const refreshed = refresh.map((_, i) => data[`r${i}`] as GqlDeployment | null).filter((d) => d !== null);
    for (const d of page.nodes) passMax = maxIso(passMax, d.createdAt);
    const done = fresh.length < page.nodes.length || !page.pageInfo.hasNextPage;
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
      await putSyncState(
        client,
        ctx.repoId,
        "deployments",
        passCheckpoint(mark, passMax, done, page.pageInfo.endCursor),
      );
    });
    ctx.wrote("deployments", rows.length);
    if (done) break;
    cursor = page.pageInfo.endCursor;
    refresh = [];
  }

  // More deployments to refresh than one page carries: the rest by node id alone.
  for (const ids of extraRefresh) {
    const variables: Record<string, unknown> = { ...ctx.repoVariables, first: 1, after: null };
    ids.forEach((nodeId, i) => {
      variables[`r${i}`] = nodeId;
    });
    const data = await ctx.query<Record<string, unknown>>(
      "deployments",
      deploymentsQuery(ids.length),
      variables,
      ALIASES_MAY_BE_GONE,
    );
    const refreshed = ids.map((_, i) => data[`r${i}`] as GqlDeployment | null).filter((d) => d !== null);
    const rows = await toRows(ctx, refreshed);
    await withTransaction(ctx.db, (client) => writeDeployments(client, ctx.repoId, rows));
    ctx.wrote("deployments", rows.length);
  }
}

async function toRows(ctx: RepoSyncContext, deployments: GqlDeployment[]): Promise<GithubDeploymentRow[]> {
  const byId = new Map<number, GithubDeploymentRow>();
  for (const d of deployments) {
    const row = deploymentRow(d, await allStatuses(ctx, d));
    if (row) byId.set(row.databaseId, row);
  }
  return [...byId.values()];
}
