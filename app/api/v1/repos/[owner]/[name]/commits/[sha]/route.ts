// GET /api/v1/repos/{owner}/{name}/commits/{sha} — one commit: its fields, pull requests, and where it is (lineage where <sha>)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZRepoParams, ZSha } from "@/lib/api/schemas";
import { getCommitLineage } from "@/lib/lineage/commit-lineage";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams.extend({ sha: ZSha }),
  handler: ({ db, params }) => getCommitLineage(db, { repo: repoName(params), revision: params.sha }),
});
