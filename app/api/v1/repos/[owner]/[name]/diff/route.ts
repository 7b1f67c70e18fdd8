// GET /api/v1/repos/{owner}/{name}/diff?from=A&to=B[&page=&perPage=] — commits added and removed from A to B (= lineage diff --json; paged when asked)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZDiffQuery, ZRepoParams } from "@/lib/api/schemas";
import { diffRevisions } from "@/lib/lineage/diff";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZDiffQuery,
  handler: async ({ db, params, query }) => {
    const paged = query.page !== undefined || query.perPage !== undefined;
    const page = query.page ?? 1;
    const perPage = query.perPage ?? 100;
    const diff = await diffRevisions(db, {
      repo: repoName(params),
      from: query.from,
      to: query.to,
      // Only the page's commits are read; the counts are the whole sets'.
      ...(paged ? { offset: (page - 1) * perPage, limit: perPage } : {}),
    });
    if (!paged) return diff;
    return { ...diff, totals: { added: diff.addedCount, removed: diff.removedCount }, page, perPage };
  },
});
