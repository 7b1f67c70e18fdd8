// GET /api/v1/repos/{owner}/{name}/where?rev=R[&rev=R2…] — per environment, when each revision first arrived and whether it is still there (= lineage where --json)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZRepoParams, ZWhereQuery } from "@/lib/api/schemas";
import { findWhere } from "@/lib/lineage/where";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZWhereQuery,
  handler: ({ db, params, query }) => findWhere(db, { repo: repoName(params), revisions: query.rev }),
});
