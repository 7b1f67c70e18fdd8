// GET /api/v1/repos/{owner}/{name}/trace?at=TIME[&env=&good=&path=…&grep=][&page=&perPage=] — which commit introduced a behaviour seen at TIME (= lineage trace --json; with page/perPage, that page of the candidates and of the removed commits, the counts still the totals)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZRepoParams, ZTraceQuery } from "@/lib/api/schemas";
import { traceIncident } from "@/lib/lineage/trace";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZTraceQuery,
  handler: async ({ db, params, query }) => {
    const paged = query.page !== undefined || query.perPage !== undefined;
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 100;
    const window = { offset: (page - 1) * perPage, limit: perPage };
    const trace = await traceIncident(db, {
      repo: repoName(params),
      environment: query.env,
      at: query.at,
      good: query.good,
      paths: query.path,
      grep: query.grep,
      ...(paged ? { window, removedWindow: window } : {}),
    });
    return paged ? { ...trace, page, perPage } : trace;
  },
});
