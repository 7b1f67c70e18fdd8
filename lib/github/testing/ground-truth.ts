// What a sync of a simulator scenario must store, derived from the scenario itself (not from
// the simulator's resolvers), in the shape of dumpGithubRepository.
import {
  ancestorsOf,
  type DeploymentRec,
  type RepoRec,
  type Scenario,
  type TimelineRec,
  type UserRec,
} from "../simulator/scenario";

type Row = Record<string, unknown>;

export interface ExpectedRepo {
  /** SHAs sync must have read: everything reachable from what GitHub points at. */
  commitShas: Set<string>;
  tables: Record<string, Row[]>;
  /** Rows whose `branch` / `ref_name` may be the old name or null (GitHub forgets deleted refs). */
  lenient: { suiteBranch: Map<number, string | null>; deploymentRef: Map<number, string | null> };
}

const byKey =
  (...keys: string[]) =>
  (a: Row, b: Row) => {
    for (const k of keys) {
      const x = a[k] as string | number;
      const y = b[k] as string | number;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  };

export function expectedRepo(scn: Scenario, repo: RepoRec): ExpectedRepo {
  const users = new Map<string, UserRec>(scn.users.map((u) => [u.login, u]));
  const url = `https://github.com/${repo.owner}/${repo.name}`;
  /** Fields typed `User` hold no bots. */
  const userLogin = (login: string | null | undefined) =>
    login && users.get(login)?.type === "User" ? login : null;
  /** Fields typed `Actor`: bots appear without the [bot] suffix. */
  const actorLogin = (login: string | null | undefined) => {
    const u = login ? users.get(login) : undefined;
    return u ? u.login.replace(/\[bot\]$/, "") : null;
  };
  const actorType = (login: string | null | undefined) => (login ? (users.get(login)?.type ?? null) : null);
  const byOid = new Map(repo.commits.map((c) => [c.oid, c]));
  const tagByName = new Map(repo.tags.map((t) => [t.name, t]));

  const roots = new Set<string>();
  const head = repo.branches[repo.defaultBranch];
  if (head) roots.add(head);
  for (const p of repo.pullRequests) {
    for (const c of p.commits) roots.add(c);
    roots.add(p.headRefOid);
    if (p.mergeCommit) roots.add(p.mergeCommit);
  }
  for (const d of repo.deployments) roots.add(d.sha);
  for (const t of repo.tags) roots.add(t.target);
  for (const m of repo.tagMoves) roots.add(m.from);
  const commitShas = new Set<string>();
  for (const r of roots) for (const x of ancestorsOf(repo, r)) commitShas.add(x);

  const commits = [...commitShas].map((sha) => byOid.get(sha)!);
  const suites = repo.checkSuites.filter((s) => commitShas.has(s.commit));
  const deploymentByRun = new Map<number, DeploymentRec>();
  for (const d of repo.deployments) if (d.workflowRunId !== null) deploymentByRun.set(d.workflowRunId, d);

  const lenient = {
    suiteBranch: new Map<number, string | null>(),
    deploymentRef: new Map<number, string | null>(),
  };
  for (const s of suites) lenient.suiteBranch.set(s.databaseId, s.branch);
  for (const d of repo.deployments) lenient.deploymentRef.set(d.databaseId, d.ref);

  const latestRelease = repo.releases
    .filter((r) => !r.isDraft && !r.isPrerelease)
    .reduce<(typeof repo.releases)[number] | undefined>(
      (best, r) => (!best || r.createdAt > best.createdAt ? r : best),
      undefined,
    );

  const timelineOf = (types: TimelineRec["type"][], p: (typeof repo.pullRequests)[number]) =>
    p.timeline
      .map((e, i) => ({ e, i }))
      .filter((x) => types.includes(x.e.type))
      .sort((a, b) => (a.e.createdAt < b.e.createdAt ? -1 : a.e.createdAt > b.e.createdAt ? 1 : a.i - b.i));

  const tables: Record<string, Row[]> = {
    commits: commits
      .map((c) => ({
        sha: c.oid,
        parent_shas: c.parents,
        message: c.message,
        author_name: c.author.name,
        author_email: c.author.email,
        author_login: userLogin(c.author.login),
        authored_at: c.author.date,
        committer_name: c.committer.name,
        committer_email: c.committer.email,
        committer_login: userLogin(c.committer.login),
        committed_at: c.committer.date,
        committed_via_web: c.committedViaWeb,
        suites_stale: false,
      }))
      .sort(byKey("sha")),
    signatures: commits
      .filter((c) => c.signature)
      .map((c) => {
        const s = c.signature!;
        return {
          sha: c.oid,
          kind: s.typename,
          state: s.state,
          is_valid: s.isValid,
          was_signed_by_github: s.wasSignedByGitHub,
          email: s.email,
          signer_login: userLogin(s.signer),
          verified_at: s.verifiedAt,
          key_id: s.typename === "GpgSignature" ? s.keyId : null,
          key_fingerprint: s.typename === "SshSignature" ? s.keyFingerprint : null,
        };
      })
      .sort(byKey("sha")),
    pullRequests: repo.pullRequests
      .map((p) => ({
        number: p.number,
        database_id: p.databaseId,
        title: p.title,
        url: `${url}/pull/${p.number}`,
        author_login: actorLogin(p.author),
        author_type: actorType(p.author),
        author_association: p.authorAssociation,
        state: p.state,
        is_draft: p.isDraft,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        closed_at: p.closedAt,
        merged_at: p.mergedAt,
        merged_by_login: actorLogin(p.mergedBy),
        merge_commit_sha: p.mergeCommit,
        base_ref_name: p.baseRefName,
        base_ref_oid: p.baseRefOid,
        head_ref_name: p.headRefName,
        head_ref_oid: p.headRefOid,
        is_cross_repository: false,
        review_decision: p.reviewDecision,
      }))
      .sort(byKey("number")),
    pullRequestCommits: repo.pullRequests
      .flatMap((p) => p.commits.map((sha, position) => ({ pr_number: p.number, position, sha })))
      .sort(byKey("pr_number", "position")),
    reviews: repo.pullRequests
      .flatMap((p) =>
        p.reviews.map((r) => ({
          database_id: r.databaseId,
          pr_number: p.number,
          author_login: actorLogin(r.author),
          author_type: actorType(r.author),
          author_association: r.authorAssociation,
          author_can_push: r.authorCanPushToRepository,
          state: r.state,
          submitted_at: r.submittedAt,
          created_at: r.createdAt,
          commit_sha: r.commit,
        })),
      )
      .sort(byKey("database_id")),
    dismissals: repo.pullRequests.flatMap((p) =>
      timelineOf(["ReviewDismissedEvent"], p).map(({ e, i }, position) => {
        const d = e as Extract<TimelineRec, { type: "ReviewDismissedEvent" }>;
        return {
          pr_number: p.number,
          position,
          database_id: 600_000_000 + (repo.databaseId % 1000) * 1_000_000 + p.number * 100 + i,
          review_database_id: d.reviewDatabaseId,
          actor_login: actorLogin(d.actor),
          created_at: d.createdAt,
          previous_review_state: d.previousReviewState,
          message: d.dismissalMessage,
          pull_request_commit_sha: d.pullRequestCommit,
        };
      }),
    ),
    pullRequestEvents: repo.pullRequests.flatMap((p) =>
      timelineOf(["MergedEvent", "HeadRefForcePushedEvent"], p).map(({ e }, position) => ({
        pr_number: p.number,
        position,
        kind: e.type === "MergedEvent" ? "MERGED" : "HEAD_REF_FORCE_PUSHED",
        created_at: e.createdAt,
        actor_login: actorLogin(e.actor),
        commit_sha: e.type === "MergedEvent" ? e.commit : null,
        before_sha: e.type === "HeadRefForcePushedEvent" ? e.beforeCommit : null,
        after_sha: e.type === "HeadRefForcePushedEvent" ? e.afterCommit : null,
        ref_name: e.type === "MergedEvent" ? e.mergeRefName : null,
      })),
    ),
    checkSuites: suites
      .map((s) => ({
        database_id: s.databaseId,
        commit_sha: s.commit,
        app_slug: "github-actions",
        app_name: "GitHub Actions",
        branch: s.branch,
        status: s.status,
        conclusion: s.conclusion,
        created_at: s.createdAt,
        updated_at: s.updatedAt,
        creator_login: userLogin(s.creator),
        url: `${url}/commit/${s.commit}/checks?check_suite_id=${s.databaseId}`,
        runs_read_for: s.updatedAt,
      }))
      .sort(byKey("database_id")),
    workflowRuns: suites
      .filter((s) => s.workflowRun)
      .map((s) => {
        const w = s.workflowRun!;
        const wf = repo.workflows.find((x) => x.key === w.workflow)!;
        return {
          database_id: w.databaseId,
          check_suite_id: s.databaseId,
          workflow_database_id: wf.databaseId,
          workflow_name: wf.name,
          workflow_path: wf.path,
          run_number: w.runNumber,
          event: w.event,
          status: s.status,
          conclusion: s.conclusion,
          created_at: w.createdAt,
          updated_at: w.updatedAt,
          url: `${url}/actions/runs/${w.databaseId}`,
        };
      })
      .sort(byKey("database_id")),
    checkRuns: suites
      .flatMap((s) =>
        s.checkRuns.map((r) => ({
          database_id: r.databaseId,
          check_suite_id: s.databaseId,
          name: r.name,
          status: r.status,
          conclusion: r.conclusion,
          started_at: r.startedAt,
          completed_at: r.completedAt,
          details_url: `${url}/actions/runs/${s.workflowRun?.databaseId ?? 0}/job/${r.databaseId}`,
          deployment_database_id: s.workflowRun
            ? (deploymentByRun.get(s.workflowRun.databaseId)?.databaseId ?? null)
            : null,
        })),
      )
      .sort(byKey("database_id")),
    deploymentReviews: suites
      .filter((s) => s.workflowRun && s.workflowRun.deploymentReviews.length > 0)
      .flatMap((s) =>
        s.workflowRun!.deploymentReviews.map((r, position) => ({
          workflow_run_id: s.workflowRun!.databaseId,
          position,
          database_id: r.databaseId,
          state: r.state,
          comment: r.comment,
          user_login: userLogin(r.user),
          environments: r.environments,
        })),
      )
      .sort(byKey("workflow_run_id", "position")),
    deployments: repo.deployments
      .map((d) => ({
        database_id: d.databaseId,
        environment: d.environment,
        original_environment: d.originalEnvironment,
        latest_environment: d.environment,
        state: d.state,
        task: d.task,
        description: d.description,
        payload: d.payload,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
        sha: d.sha,
        ref_name: d.ref,
        creator_login: actorLogin(d.creator),
        creator_type: actorType(d.creator),
        latest_status: d.statuses[d.statuses.length - 1]?.state ?? null,
      }))
      .sort(byKey("database_id")),
    deploymentStatuses: repo.deployments
      .flatMap((d) =>
        d.statuses.map((s, position) => ({
          deployment_id: d.databaseId,
          position,
          state: s.state,
          description: s.description,
          environment: s.environment,
          environment_url: s.environmentUrl,
          log_url: s.logUrl,
          created_at: s.createdAt,
          updated_at: s.updatedAt,
          creator_login: actorLogin(s.creator),
        })),
      )
      .sort(byKey("deployment_id", "position")),
    environments: repo.environments
      .map((e) => ({ name: e.name, database_id: e.databaseId }))
      .sort(byKey("name")),
    protectionRules: repo.environments
      .flatMap((e) =>
        e.protectionRules.map((r, position) => ({
          environment_name: e.name,
          position,
          database_id: r.databaseId,
          type: r.type,
          timeout: r.timeout,
          prevent_self_review: r.preventSelfReview,
          reviewers: r.reviewers.map((v) => (v.type === "Team" ? `Team:${v.slug}` : `User:${v.login}`)),
        })),
      )
      .sort(byKey("environment_name", "position")),
    releases: repo.releases
      .map((r) => ({
        tag_name: r.tagName,
        database_id: r.databaseId,
        name: r.name,
        created_at: r.createdAt,
        published_at: r.publishedAt,
        updated_at: r.updatedAt,
        is_prerelease: r.isPrerelease,
        is_draft: r.isDraft,
        is_latest: r === latestRelease,
        url: `${url}/releases/tag/${r.tagName}`,
        author_login: userLogin(r.author),
        tag_commit_sha: tagByName.get(r.tagName)?.target ?? null,
      }))
      .sort(byKey("tag_name")),
    tagVersions: [
      ...repo.tags.map((t) => ({
        name: t.name,
        target_oid: t.tagOid ?? t.target,
        commit_sha: t.target,
        annotated: t.kind === "annotated",
        tagger_name: t.tagger?.name ?? null,
        tagger_email: t.tagger?.email ?? null,
        tagger_login: userLogin(t.tagger?.login),
        tagged_at: t.tagger?.date ?? null,
        message: t.message,
        commit_date: byOid.get(t.target)?.committer.date ?? null,
        current: true,
      })),
      // A moved tag's earlier target (its tagger is not kept by the scenario: compared by identity only).
      ...repo.tagMoves.map((m) => ({
        name: m.name,
        target_oid: m.fromTagOid ?? m.from,
        commit_sha: m.from,
        current: false,
      })),
    ].sort(byKey("name", "target_oid")),
  };
  return { commitShas, tables, lenient };
}

/** Promotion events of an environment fed by deployments, as product.md defines them. */
export function expectedDeploymentEvents(repo: RepoRec, environment: string) {
  return repo.deployments
    .filter((d) => d.environment === environment)
    .sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.databaseId - b.databaseId,
    )
    .map((d) => {
      const states = d.statuses.map((s) => s.state);
      const latest = states[states.length - 1] ?? null;
      return {
        databaseId: d.databaseId,
        sha: d.sha,
        at: d.createdAt,
        counted: latest === "SUCCESS" || (latest === "INACTIVE" && states.includes("SUCCESS")),
        status: latest,
      };
    });
}
