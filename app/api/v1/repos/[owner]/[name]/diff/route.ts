// GET /api/v1/repos/{owner}/{name}/diff?from=A&to=B[&page=&perPage=] — commits added and removed from A to B (= lineage diff --json; paged when asked)
import { pageLists } from "@/lib/api/paging";
import { apiRoute } from "@/lib/api/route";
import { repoName, ZDiffQuery, ZRepoParams } from "@/lib/api/schemas";
import { diffRevisions } from "@/lib/lineage/diff";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZDiffQuery,
  handler: async ({ db, params, query }) => {
    const diff = await diffRevisions(db, { repo: repoName(params), from: query.from, to: query.to });
    if (query.page === undefined && query.perPage === undefined) return diff;
    return pageLists(diff, { page: query.page ?? 1, perPage: query.perPage ?? 100 });
  },
});
