// GET /api/v1/repos/{owner}/{name}/envs/{env}/events[?from=&to=&limit=] — the environment's promotion events, oldest first (= lineage events --json)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZEnvironmentName, ZEventsQuery, ZRepoParams } from "@/lib/api/schemas";
import { findEnvironmentEvents } from "@/lib/lineage/events-query";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams.extend({ env: ZEnvironmentName }),
  query: ZEventsQuery,
  handler: ({ db, params, query }) =>
    findEnvironmentEvents(db, {
      repo: repoName(params),
      environment: params.env,
      limit: query.limit,
      from: query.from,
      to: query.to,
    }),
});
