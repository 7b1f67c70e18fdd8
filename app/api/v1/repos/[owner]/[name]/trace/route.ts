// GET /api/v1/repos/{owner}/{name}/trace?at=TIME[&env=&good=&path=…&grep=] — which commit introduced a behaviour seen at TIME (= lineage trace --json)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZRepoParams, ZTraceQuery } from "@/lib/api/schemas";
import { traceIncident } from "@/lib/lineage/trace";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZTraceQuery,
  handler: ({ db, params, query }) =>
    traceIncident(db, {
      repo: repoName(params),
      environment: query.env,
      at: query.at,
      good: query.good,
      paths: query.path,
      grep: query.grep,
    }),
});
