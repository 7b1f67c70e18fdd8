// GET /api/v1/repos/{owner}/{name}/metrics[?env=&from=&to=&bucket=week|month&tz=&fixWindow=] — delivery metrics of one environment (= lineage metrics --json)
import { apiRoute } from "@/lib/api/route";
import { repoName, ZMetricsQuery, ZRepoParams } from "@/lib/api/schemas";
import { computeEnvironmentMetrics } from "@/lib/lineage/metrics";

export const dynamic = "force-dynamic";

export const GET = apiRoute({
  params: ZRepoParams,
  query: ZMetricsQuery,
  handler: ({ db, params, query }) =>
    computeEnvironmentMetrics(db, {
      repo: repoName(params),
      environment: query.env,
      from: query.from,
      to: query.to,
      bucket: query.bucket,
      timeZone: query.tz,
      fixWindowMinutes: query.fixWindow,
    }),
});
