import "server-only";
import type { Db } from "../db/client";
import { type CommitLineage, getCommitLineage } from "./commit-lineage";
import { getRepositoryOrThrow } from "./repositories";

/** Per environment, in promotion order: the first event that carried the commit there. */
export interface CommitReach {
  environment: string;
  /** The first counted event that contained the commit; null if it never reached it. */
  first: { seq: number; ref: string; at: string } | null;
  /** Whether the environment runs it now. */
  current: boolean;
}

export interface CommitPullRequest {
  number: number;
  title: string;
  url: string;
  state: string;
  authorLogin: string | null;
  mergedAt: string | null;
  mergedByLogin: string | null;
  baseRefName: string;
  headRefName: string;
  reviewDecision: string | null;
  reviews: { authorLogin: string | null; state: string; at: string | null; commitSha: string | null }[];
  dismissals: { actorLogin: string | null; previousState: string; at: string; message: string | null }[];
}

export interface CommitCheckSuite {
  app: string;
  status: string;
  conclusion: string | null;
  url: string;
  updatedAt: string;
  runs: { name: string; status: string; conclusion: string | null; url: string | null }[];
}

export interface CommitDeployment {
  environment: string | null;
  state: string | null;
  refName: string | null;
  creatorLogin: string | null;
  createdAt: string;
}

export interface CommitPage extends Omit<CommitLineage, "pullRequests"> {
  fullName: string;
  message: string;
  committerName: string;
  reach: CommitReach[];
  /** Whether any GitHub record of this repository is stored. */
  synced: boolean;
  pullRequests: CommitPullRequest[] | null;
  checkSuites: CommitCheckSuite[];
  signature:
    | { state: string; isValid: boolean; signerLogin: string | null; kind: string }
    | "unsigned"
    | "unknown";
  deployments: CommitDeployment[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Everything the commit page shows: `where` per environment with the first event's number
 * (for the link), and what GitHub recorded about the commit: its PRs with reviews and
 * dismissals, check suites with their runs, the signature and the deployments of it.
 */
export async function getCommitPage(
  db: Pick<Db, "pool" | "getPrisma">,
  { repo, revision }: { repo: string; revision: string },
): Promise<CommitPage> {
  const repository = await getRepositoryOrThrow(db, repo);
  const lineage = await getCommitLineage(db, { repo: repository.fullName, revision });
  const { rows } = await db.pool.query<{
    environment: string;
    seq: number | null;
    ref: string | null;
    at: string | null;
    current: boolean | null;
  }>(
    `SELECT env.name AS environment, e.seq, e.ref,
       to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, r.current
     FROM "commit" c
     JOIN environment env ON env.repo_id = c.repo_id
     LEFT JOIN env_reach r ON r.env_id = env.id AND r.commit_idx = c.idx
     LEFT JOIN promotion_event e ON e.id = r.first_event_id
     WHERE c.repo_id = $1 AND c.sha = $2
     ORDER BY env.position`,
    [repository.id, lineage.sha],
  );
  const { rows: own } = await db.pool.query<{ message: string; committer: string }>(
    `SELECT message, committer_name AS committer FROM "commit" WHERE repo_id = $1 AND sha = $2`,
    [repository.id, lineage.sha],
  );
  const reach = rows.map<CommitReach>((r) => ({
    environment: r.environment,
    first: r.seq !== null && r.ref !== null && r.at !== null ? { seq: r.seq, ref: r.ref, at: r.at } : null,
    current: r.current === true,
  }));
  const prisma = await db.getPrisma();
  const repoId = repository.id;
  const sha = lineage.sha;
  const [ghCommit, signature, suites, deployments] = await Promise.all([
    prisma.githubCommit.findUnique({ where: { repoId_sha: { repoId, sha } }, select: { sha: true } }),
    prisma.githubCommitSignature.findUnique({
      where: { repoId_sha: { repoId, sha } },
      select: { state: true, isValid: true, signerLogin: true, kind: true },
    }),
    prisma.githubCheckSuite.findMany({
      where: { repoId, commitSha: sha },
      orderBy: { createdAt: "asc" },
      select: {
        databaseId: true,
        appName: true,
        appSlug: true,
        status: true,
        conclusion: true,
        url: true,
        updatedAt: true,
      },
    }),
    prisma.githubDeployment.findMany({
      where: { repoId, sha },
      orderBy: { createdAt: "asc" },
      select: {
        environment: true,
        latestStatus: true,
        state: true,
        refName: true,
        creatorLogin: true,
        createdAt: true,
      },
    }),
  ]);
  const runs = suites.length
    ? await prisma.githubCheckRun.findMany({
        where: { repoId, checkSuiteId: { in: suites.map((s) => s.databaseId) } },
        orderBy: { name: "asc" },
        select: { checkSuiteId: true, name: true, status: true, conclusion: true, detailsUrl: true },
      })
    : [];
  const numbers = lineage.pullRequests ?? [];
  const [prs, reviews, dismissals] = numbers.length
    ? await Promise.all([
        prisma.githubPullRequest.findMany({
          where: { repoId, number: { in: numbers } },
          orderBy: { number: "asc" },
        }),
        prisma.githubReview.findMany({
          where: { repoId, prNumber: { in: numbers } },
          orderBy: [{ submittedAt: "asc" }, { createdAt: "asc" }],
        }),
        prisma.githubReviewDismissal.findMany({
          where: { repoId, prNumber: { in: numbers } },
          orderBy: { position: "asc" },
        }),
      ])
    : [[], [], []];
  const synced = lineage.pullRequests !== null;
  return {
    ...lineage,
    fullName: repository.fullName,
    message: own[0]?.message ?? lineage.headline,
    committerName: own[0]?.committer ?? lineage.author,
    reach,
    synced,
    pullRequests: synced
      ? prs.map((pr) => ({
          number: pr.number,
          title: pr.title,
          url: pr.url,
          state: pr.state,
          authorLogin: pr.authorLogin,
          mergedAt: iso(pr.mergedAt),
          mergedByLogin: pr.mergedByLogin,
          baseRefName: pr.baseRefName,
          headRefName: pr.headRefName,
          reviewDecision: pr.reviewDecision,
          reviews: reviews
            .filter((r) => r.prNumber === pr.number)
            .map((r) => ({
              authorLogin: r.authorLogin,
              state: r.state,
              at: iso(r.submittedAt ?? r.createdAt),
              commitSha: r.commitSha,
            })),
          dismissals: dismissals
            .filter((d) => d.prNumber === pr.number)
            .map((d) => ({
              actorLogin: d.actorLogin,
              previousState: d.previousReviewState,
              at: d.createdAt.toISOString(),
              message: d.message,
            })),
        }))
      : null,
    checkSuites: suites.map((s) => ({
      app: s.appName ?? s.appSlug ?? "unknown app",
      status: s.status,
      conclusion: s.conclusion,
      url: s.url,
      updatedAt: s.updatedAt.toISOString(),
      runs: runs
        .filter((r) => r.checkSuiteId === s.databaseId)
        .map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion, url: r.detailsUrl })),
    })),
    // No signature row for a commit GitHub read means unsigned; a commit GitHub never read is unknown.
    signature: signature ?? (ghCommit ? "unsigned" : "unknown"),
    deployments: deployments.map((d) => ({
      environment: d.environment,
      state: d.latestStatus ?? d.state,
      refName: d.refName,
      creatorLogin: d.creatorLogin,
      createdAt: d.createdAt.toISOString(),
    })),
  };
}
