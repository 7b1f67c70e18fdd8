import type { Db } from "../db/client";

// GitHub's records of commits (PRs with approvals, CI, signatures), read with Prisma's typed
// queries; shared by the release page and trace. No "server-only" here: the CLI uses it too.

/** What GitHub says about one commit of a release (all null/empty when not synced). */
export interface ReleaseCommit {
  sha: string;
  headline: string;
  authorName: string;
  /** GitHub's account for the author's email, when synced and matched. */
  authorLogin: string | null;
  committedAt: string;
  /** PRs that contain the commit or merged as it. */
  pullRequests: {
    number: number;
    title: string;
    url: string;
    authorLogin: string | null;
    approvers: string[];
  }[];
  /** Worst conclusion over the commit's check suites: FAILURE beats PENDING beats SUCCESS; null when none. */
  ci: "SUCCESS" | "FAILURE" | "PENDING" | "NEUTRAL" | null;
  /** Verified, unverified (a signature GitHub did not accept), unsigned, or unknown when GitHub has no record. */
  signature: "verified" | "unverified" | "unsigned" | "unknown";
}

const CI_RANK = { FAILURE: 3, PENDING: 2, NEUTRAL: 1, SUCCESS: 0 } as const;

function ciOf(suites: { status: string; conclusion: string | null }[]): ReleaseCommit["ci"] {
  let worst: ReleaseCommit["ci"] = null;
  for (const s of suites) {
    const c = s.conclusion?.toUpperCase();
    const kind: NonNullable<ReleaseCommit["ci"]> =
      s.status.toUpperCase() !== "COMPLETED"
        ? "PENDING"
        : c === "SUCCESS"
          ? "SUCCESS"
          : c === "NEUTRAL" || c === "SKIPPED" || c === "STALE"
            ? "NEUTRAL"
            : "FAILURE";
    if (worst === null || CI_RANK[kind] > CI_RANK[worst]) worst = kind;
  }
  return worst;
}

/** GitHub's records for a page of commits, read with Prisma's typed queries. */
export async function describeCommits(
  db: Pick<Db, "getPrisma">,
  repoId: number,
  rows: readonly { sha: string; headline: string; author: string; committed_at: string }[],
  synced: boolean,
): Promise<ReleaseCommit[]> {
  if (rows.length === 0) return [];
  const shas = rows.map((r) => r.sha);
  const base = rows.map<ReleaseCommit>((r) => ({
    sha: r.sha,
    headline: r.headline,
    authorName: r.author,
    authorLogin: null,
    committedAt: r.committed_at,
    pullRequests: [],
    ci: null,
    signature: "unknown",
  }));
  if (!synced) return base;
  const prisma = await db.getPrisma();
  const [ghCommits, signatures, prCommits, mergedPrs, suites] = await Promise.all([
    prisma.githubCommit.findMany({
      where: { repoId, sha: { in: shas } },
      select: { sha: true, authorLogin: true },
    }),
    prisma.githubCommitSignature.findMany({
      where: { repoId, sha: { in: shas } },
      select: { sha: true, isValid: true, state: true },
    }),
    prisma.githubPullRequestCommit.findMany({
      where: { repoId, sha: { in: shas } },
      select: { sha: true, prNumber: true },
    }),
    prisma.githubPullRequest.findMany({
      where: { repoId, mergeCommitSha: { in: shas } },
      select: { number: true, mergeCommitSha: true },
    }),
    prisma.githubCheckSuite.findMany({
      where: { repoId, commitSha: { in: shas } },
      select: { commitSha: true, status: true, conclusion: true },
    }),
  ]);
  const prsBySha = new Map<string, Set<number>>();
  const addPr = (sha: string, n: number) => {
    const set = prsBySha.get(sha) ?? new Set<number>();
    set.add(n);
    prsBySha.set(sha, set);
  };
  for (const pc of prCommits) addPr(pc.sha, pc.prNumber);
  for (const pr of mergedPrs) if (pr.mergeCommitSha) addPr(pr.mergeCommitSha, pr.number);
  const numbers = [...new Set([...prsBySha.values()].flatMap((s) => [...s]))];
  const [prs, approvals] = numbers.length
    ? await Promise.all([
        prisma.githubPullRequest.findMany({
          where: { repoId, number: { in: numbers } },
          select: { number: true, title: true, url: true, authorLogin: true },
        }),
        prisma.githubReview.findMany({
          where: { repoId, prNumber: { in: numbers }, state: "APPROVED" },
          select: { prNumber: true, authorLogin: true },
          orderBy: { submittedAt: "asc" },
        }),
      ])
    : [[], []];
  const prByNumber = new Map(prs.map((p) => [p.number, p]));
  const approversByPr = new Map<number, string[]>();
  for (const r of approvals) {
    if (!r.authorLogin) continue;
    const list = approversByPr.get(r.prNumber) ?? [];
    if (!list.includes(r.authorLogin)) list.push(r.authorLogin);
    approversByPr.set(r.prNumber, list);
  }
  const loginBySha = new Map(ghCommits.map((c) => [c.sha, c.authorLogin]));
  const knownShas = new Set(ghCommits.map((c) => c.sha));
  const signatureBySha = new Map(signatures.map((s) => [s.sha, s]));
  const suitesBySha = new Map<string, typeof suites>();
  for (const s of suites) suitesBySha.set(s.commitSha, [...(suitesBySha.get(s.commitSha) ?? []), s]);
  return base.map((c) => {
    const signature = signatureBySha.get(c.sha);
    return {
      ...c,
      authorLogin: loginBySha.get(c.sha) ?? null,
      pullRequests: [...(prsBySha.get(c.sha) ?? [])]
        .sort((a, b) => a - b)
        .flatMap((n) => {
          const pr = prByNumber.get(n);
          return pr
            ? [
                {
                  number: n,
                  title: pr.title,
                  url: pr.url,
                  authorLogin: pr.authorLogin,
                  approvers: approversByPr.get(n) ?? [],
                },
              ]
            : [];
        }),
      ci: ciOf(suitesBySha.get(c.sha) ?? []),
      // No signature row for a commit GitHub read means unsigned; a commit GitHub never read is unknown.
      signature: signature
        ? signature.isValid
          ? "verified"
          : "unverified"
        : knownShas.has(c.sha)
          ? "unsigned"
          : "unknown",
    };
  });
}
