import { readFileSync } from "node:fs";
import { GraphqlResponseError, graphql } from "@octokit/graphql";
import { parse } from "graphql";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { analyzeQuery } from "./cost.ts";
import {
  createScenario,
  type DeploymentRec,
  historyOf,
  type PullRequestRec,
  type RepoRec,
  type Scenario,
} from "./scenario.ts";
import { githubSchema } from "./schema.ts";
import { type FaultKind, type Simulator, startSimulator } from "./server.ts";

const TOKEN = "ghp_simulator";
const q = (file: string) => readFileSync(`/work/shared/design/github-queries/${file}`, "utf8");

interface Response {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test access to arbitrary JSON
  body: any;
}

async function post(
  sim: Simulator,
  query: string,
  variables: Record<string, unknown> = {},
  opts: { token?: string | null; path?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) headers.authorization = `bearer ${token}`;
  const url = opts.path ? sim.url.replace("/graphql", opts.path) : sim.url;
  const res = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, text, body };
}

function repoOf(scn: Scenario, name: string): RepoRec {
  return scn.repos.find((r) => r.name === name) as RepoRec;
}

/** Follows `pageInfo.endCursor` until the connection at `pick(data)` is exhausted. */
async function pageAll(
  sim: Simulator,
  query: string,
  variables: Record<string, unknown>,
  // biome-ignore lint/suspicious/noExplicitAny: test access to arbitrary JSON
  pick: (data: any) => { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } },
): Promise<{ nodes: unknown[]; pages: number }> {
  const nodes: unknown[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const res = await post(sim, query, { ...variables, after });
    expect(res.body.errors).toBeUndefined();
    const conn = pick(res.body.data);
    nodes.push(...conn.nodes);
    pages += 1;
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
  } while (after);
  return { nodes, pages };
}

describe("GitHub GraphQL simulator over HTTP", () => {
  let sim: Simulator;
  let scn: Scenario;

  beforeAll(async () => {
    scn = createScenario({ seed: 11, size: "small" });
    sim = await startSimulator({ scenario: scn, tokens: [TOKEN, "other"], rateLimit: { limit: 100_000 } });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.setFaults(null);
    sim.resetRateLimit();
  });

  it("answers 401 for a missing or bad token", async () => {
    const missing = await post(sim, "{ rateLimit { cost } }", {}, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe("This endpoint requires you to be authenticated.");
    const bad = await post(sim, "{ rateLimit { cost } }", {}, { token: "nope" });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({
      message: "Bad credentials",
      documentation_url: "https://docs.github.com/graphql",
    });
  });

  it("rejects what the schema rejects, in GitHub's error shape", async () => {
    const res = await post(sim, 'query Q { repository(owner: "acme", name: "shop") { name nope } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([
      {
        path: ["query Q", "repository", "nope"],
        extensions: { code: "undefinedField", typeName: "Repository", fieldName: "nope" },
        locations: [{ line: 1, column: 58 }],
        message: "Field 'nope' doesn't exist on type 'Repository'",
      },
    ]);
    const arg = await post(sim, '{ repository(owner: "acme", name: "shop", color: 1) { name } }');
    expect(arg.body.errors[0].extensions.code).toBe("argumentNotAccepted");
    const syntax = await post(sim, "{ repository(");
    expect(syntax.body.errors[0].message).toMatch(/^Parse error on/);
  });

  it("enforces pagination boundaries", async () => {
    const missing = await post(
      sim,
      '{ repository(owner: "acme", name: "shop") { pullRequests { nodes { number } } } }',
    );
    expect(missing.body.errors[0]).toMatchObject({
      type: "MISSING_PAGINATION_BOUNDARIES",
      path: ["repository", "pullRequests"],
      message:
        "You must provide a `first` or `last` value to properly paginate the `pullRequests` connection.",
    });
    const excessive = await post(
      sim,
      '{ repository(owner: "acme", name: "shop") { refs(refPrefix: "refs/tags/", first: 500) { nodes { name } } } }',
    );
    expect(excessive.body.errors[0].type).toBe("EXCESSIVE_PAGINATION");
    // totalCount alone needs no boundary, as on GitHub.
    const count = await post(
      sim,
      '{ repository(owner: "acme", name: "shop") { pullRequests(states: [MERGED]) { totalCount } } }',
    );
    const shop = repoOf(scn, "shop");
    expect(count.body.data.repository.pullRequests.totalCount).toBe(
      shop.pullRequests.filter((p) => p.state === "MERGED").length,
    );
  });

  it("answers unknown repositories with NOT_FOUND and unimplemented fields with an error, not data", async () => {
    const missing = await post(sim, '{ repository(owner: "acme", name: "ghost") { name } }');
    expect(missing.body).toEqual({
      data: { repository: null },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["repository"],
          locations: [{ line: 1, column: 3 }],
          message: "Could not resolve to a Repository with the name 'acme/ghost'.",
        },
      ],
    });
    const unimplemented = await post(sim, '{ repository(owner: "acme", name: "shop") { stargazerCount } }');
    expect(unimplemented.body.errors[0]).toMatchObject({
      type: "SIMULATOR_NOT_IMPLEMENTED",
      path: ["repository", "stargazerCount"],
    });
  });

  it("pages through commit history with cursors: every commit exactly once, in git log order", async () => {
    const query = `query H($owner: String!, $name: String!, $ref: String!, $after: String) {
      repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { ... on Commit {
        history(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor }
          nodes { oid parents(first: 3) { nodes { oid } } author { user { login } }
            signature { __typename state isValid wasSignedByGitHub } } } } } } } }`;
    for (const repo of scn.repos) {
      for (const branch of ["main", "test"]) {
        const head = repo.branches[branch] as string;
        const expected = historyOf(repo, head);
        const { nodes, pages } = await pageAll(
          sim,
          query,
          { owner: repo.owner, name: repo.name, ref: `refs/heads/${branch}` },
          (d) => d.repository.ref.target.history,
        );
        // biome-ignore lint/suspicious/noExplicitAny: JSON nodes
        const got = nodes as any[];
        expect(pages).toBe(Math.ceil(expected.length / 7));
        expect(got.map((n) => n.oid)).toEqual(expected.map((c) => c.oid));
        for (const [i, c] of expected.entries()) {
          const n = got[i];
          expect(n.parents.nodes.map((p: { oid: string }) => p.oid)).toEqual(c.parents);
          const sig = c.signature;
          expect(n.signature).toEqual(
            sig
              ? {
                  __typename: sig.typename,
                  state: sig.state,
                  isValid: sig.isValid,
                  wasSignedByGitHub: sig.wasSignedByGitHub,
                }
              : null,
          );
          const login = c.author.login?.endsWith("[bot]") ? null : c.author.login;
          expect(n.author.user?.login ?? null).toBe(login);
        }
      }
    }
  });

  it("serves Q1 as written, with since/until filters", async () => {
    const shop = repoOf(scn, "shop");
    const all = historyOf(shop, shop.branches.main as string);
    const since = all[Math.floor(all.length / 2)]?.committer.date as string;
    const res = await post(sim, q("Q1_commits.graphql"), {
      owner: "acme",
      name: "shop",
      qualifiedName: "refs/heads/main",
      since,
    });
    const history = res.body.data.repository.ref.target.history;
    const expected = all.filter((c) => c.committer.date >= since);
    expect(history.totalCount).toBe(expected.length);
    expect(history.nodes.map((n: { oid: string }) => n.oid)).toEqual(expected.map((c) => c.oid));
  });

  it("pages merged PRs by UPDATED_AT DESC and matches reviews field by field", async () => {
    const query = `query P($after: String) { repository(owner: "acme", name: "shop") {
      pullRequests(first: 4, after: $after, states: [MERGED], baseRefName: "test", orderBy: {field: UPDATED_AT, direction: DESC}) {
        pageInfo { hasNextPage endCursor }
        nodes { number updatedAt mergedAt headRefOid mergeCommit { oid } author { __typename login } reviewDecision
          reviews(first: 50) { totalCount nodes { fullDatabaseId state author { login } commit { oid } submittedAt } } } } } }`;
    const shop = repoOf(scn, "shop");
    const expected = shop.pullRequests
      .filter((p) => p.state === "MERGED" && p.baseRefName === "test")
      .sort((a, b) =>
        a.updatedAt === b.updatedAt ? b.number - a.number : a.updatedAt < b.updatedAt ? 1 : -1,
      );
    const { nodes } = await pageAll(sim, query, {}, (d) => d.repository.pullRequests);
    // biome-ignore lint/suspicious/noExplicitAny: JSON nodes
    const got = nodes as any[];
    expect(got.map((n) => n.number)).toEqual(expected.map((p) => p.number));
    for (const [i, p] of expected.entries()) {
      const n = got[i];
      expect(n.mergeCommit.oid).toBe(p.mergeCommit);
      expect(n.headRefOid).toBe(p.headRefOid);
      expect(n.reviewDecision).toBe(p.reviewDecision);
      expect(n.author.__typename).toBe(p.author.endsWith("[bot]") ? "Bot" : "User");
      expect(
        n.reviews.nodes.map((r: { fullDatabaseId: string; state: string; commit: { oid: string } }) => [
          Number(r.fullDatabaseId),
          r.state,
          r.commit.oid,
        ]),
      ).toEqual(p.reviews.map((r) => [r.databaseId, r.state, r.commit]));
    }
  });

  it("serves Q2 with dismissal timeline events and writersOnly opinions", async () => {
    const res = await post(sim, q("Q2_prs.graphql"), { owner: "acme", name: "shop", base: "test" });
    expect(res.body.errors).toBeUndefined();
    const shop = repoOf(scn, "shop");
    const byNumber = new Map(shop.pullRequests.map((p) => [p.number, p]));
    for (const n of res.body.data.repository.pullRequests.nodes) {
      const p = byNumber.get(n.number) as PullRequestRec;
      const dismissals = p.timeline.filter((t) => t.type === "ReviewDismissedEvent").length;
      const types = n.timelineItems.nodes.map((t: { __typename: string }) => t.__typename);
      expect(types.filter((t: string) => t === "ReviewDismissedEvent")).toHaveLength(dismissals);
      expect(types).toContain("MergedEvent");
      for (const o of n.latestOpinionatedReviews.nodes) expect(o.author.login).not.toBe("oscar");
      expect(n.commits.nodes[0].commit.oid).toBe(p.commits[p.commits.length - 1]);
    }
  });

  it("pages deployments newest first, per environment, and matches statuses", async () => {
    const query = `query D($envs: [String!], $after: String) { repository(owner: "acme", name: "shop") {
      deployments(first: 6, after: $after, environments: $envs, orderBy: {field: CREATED_AT, direction: DESC}) {
        pageInfo { hasNextPage endCursor }
        nodes { databaseId environment state commitOid creator { __typename login }
          latestStatus { state } statuses(first: 10) { totalCount nodes { state } } } } } }`;
    const shop = repoOf(scn, "shop");
    for (const envs of [null, ["prod"], ["dev", "test"]]) {
      const expected = shop.deployments
        .filter((d) => !envs || envs.includes(d.environment))
        .sort((a, b) =>
          a.createdAt === b.createdAt ? b.databaseId - a.databaseId : a.createdAt < b.createdAt ? 1 : -1,
        );
      const { nodes } = await pageAll(sim, query, { envs }, (d) => d.repository.deployments);
      // biome-ignore lint/suspicious/noExplicitAny: JSON nodes
      const got = nodes as any[];
      expect(got.map((n) => n.databaseId)).toEqual(expected.map((d) => d.databaseId));
      for (const [i, d] of expected.entries()) {
        const n = got[i];
        const statuses = (d as DeploymentRec).statuses;
        expect(n.state).toBe(d.state);
        expect(n.commitOid).toBe(d.sha);
        expect(n.latestStatus.state).toBe(statuses[statuses.length - 1]?.state);
        expect(n.statuses.totalCount).toBe(statuses.length);
        expect(n.statuses.nodes.map((s: { state: string }) => s.state)).toEqual(
          statuses.map((s) => s.state).reverse(),
        );
        expect(n.creator.__typename).toBe(d.creator.endsWith("[bot]") ? "Bot" : "User");
      }
    }
  });

  it("pages backwards with last/before", async () => {
    const query = `query B($before: String) { repository(owner: "acme", name: "shop") {
      deployments(last: 5, before: $before) { pageInfo { hasPreviousPage startCursor } nodes { databaseId } } } }`;
    const shop = repoOf(scn, "shop");
    const ids: number[] = [];
    let before: string | null = null;
    for (;;) {
      const res = await post(sim, query, { before });
      const conn = res.body.data.repository.deployments;
      ids.unshift(...conn.nodes.map((n: { databaseId: number }) => n.databaseId));
      if (!conn.pageInfo.hasPreviousPage) break;
      before = conn.pageInfo.startCursor;
    }
    expect(ids).toEqual(shop.deployments.map((d) => d.databaseId));
  });

  it("serves tags (annotated vs lightweight), releases, CI and environments", async () => {
    const shop = repoOf(scn, "shop");
    const tags = await post(sim, q("Q3_tags.graphql"), { owner: "acme", name: "shop" });
    const nodes = tags.body.data.repository.refs.nodes;
    expect(nodes).toHaveLength(shop.tags.length);
    for (const t of shop.tags) {
      const n = nodes.find((x: { name: string }) => x.name === t.name);
      if (t.kind === "annotated") {
        expect(n.target).toMatchObject({
          __typename: "Tag",
          oid: t.tagOid,
          target: { __typename: "Commit", oid: t.target },
        });
      } else {
        expect(n.target).toMatchObject({ __typename: "Commit", oid: t.target });
      }
    }
    expect(tags.body.data.repository.releases.nodes).toHaveLength(shop.releases.length);

    const selfApproved = scn.events.find((e) => e.kind === "self-approved-deploy");
    const ci = await post(sim, q("Q4_ci.graphql"), { owner: "acme", name: "shop", oid: selfApproved?.sha });
    const suites = ci.body.data.repository.object.checkSuites.nodes;
    const deploySuite = suites.find(
      (s: { workflowRun: { workflow: { name: string }; deploymentReviews: { nodes: unknown[] } } }) =>
        s.workflowRun.workflow.name === "Deploy" && s.workflowRun.deploymentReviews.nodes.length > 0,
    );
    const dep = shop.deployments.find((d) => d.databaseId === selfApproved?.deployment);
    expect(deploySuite.workflowRun.deploymentReviews.nodes[0]).toMatchObject({
      state: "APPROVED",
      user: { login: dep?.creator },
      environments: { nodes: [{ name: "prod" }] },
    });
    expect(deploySuite.workflowRun.file.path).toBe(".github/workflows/deploy.yml");

    const envs = await post(sim, q("Q6_envs.graphql"), { owner: "acme", name: "shop" });
    const prod = envs.body.data.repository.environments.nodes.find(
      (e: { name: string }) => e.name === "prod",
    );
    expect(prod.protectionRules.nodes[0]).toMatchObject({
      type: "REQUIRED_REVIEWERS",
      preventSelfReview: false,
      reviewers: {
        nodes: [
          { __typename: "Team", slug: "release-managers" },
          { __typename: "User", login: "erin" },
        ],
      },
    });
    expect(prod.protectionRules.nodes[1]).toMatchObject({ type: "WAIT_TIMER", timeout: 10 });
  });

  it("resolves refs and rev-parse expressions", async () => {
    const shop = repoOf(scn, "shop");
    const main = shop.branches.main as string;
    const parent = shop.commits.find((c) => c.oid === main)?.parents[0];
    const res = await post(
      sim,
      `{ repository(owner: "acme", name: "shop") {
        a: object(expression: "main") { oid } b: object(expression: "main~1") { oid } c: object(oid: "${main}") { __typename }
        d: ref(qualifiedName: "main") { prefix target { oid } } e: ref(qualifiedName: "refs/heads/nope") { name } } }`,
    );
    expect(res.body.data.repository).toEqual({
      a: { oid: main },
      b: { oid: parent },
      c: { __typename: "Commit" },
      d: { prefix: "refs/heads/", target: { oid: main } },
      e: null,
    });
  });

  it("charges the documented cost and counts down the rate-limit headers", async () => {
    const first = await post(sim, q("Q4_ci.graphql"), {
      owner: "acme",
      name: "shop",
      oid: repoOf(scn, "shop").branches.main,
    });
    const expectedCost = analyzeQuery(githubSchema(), parse(q("Q4_ci.graphql")), undefined, {}).cost;
    expect(expectedCost).toBe(3);
    expect(first.body.data.rateLimit.cost).toBe(expectedCost);
    expect(first.headers.get("x-ratelimit-limit")).toBe("100000");
    expect(first.headers.get("x-ratelimit-used")).toBe("3");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("99997");
    expect(first.headers.get("x-ratelimit-resource")).toBe("graphql");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const second = await post(sim, q("Q1_commits.graphql"), {
      owner: "acme",
      name: "shop",
      qualifiedName: "main",
    });
    expect(second.headers.get("x-ratelimit-remaining")).toBe("99995");
    expect(second.body.data.rateLimit.remaining).toBe(99995);
    expect(Date.parse(second.body.data.rateLimit.resetAt)).toBeGreaterThan(Date.now());

    const dry = await post(
      sim,
      '{ rateLimit(dryRun: true) { cost remaining nodeCount } repository(owner: "acme", name: "shop") { name } }',
    );
    expect(dry.body.data).toEqual({
      rateLimit: { cost: 1, remaining: 99995, nodeCount: 0 },
      repository: null,
    });
    expect(dry.headers.get("x-ratelimit-remaining")).toBe("99995");
    // Another token has its own budget.
    const other = await post(sim, "{ rateLimit { remaining } }", {}, { token: "other" });
    expect(other.body.data.rateLimit.remaining).toBe(99999);
  });

  it("works with @octokit/graphql, on /graphql and on the GHES path /api/graphql", async () => {
    const origin = new URL(sim.url).origin;
    for (const baseUrl of [origin, `${origin}/api`]) {
      const client = graphql.defaults({ baseUrl, headers: { authorization: `token ${TOKEN}` } });
      const data = await client<{ repository: { nameWithOwner: string } }>(
        "query($o: String!, $n: String!) { repository(owner: $o, name: $n) { nameWithOwner } }",
        { o: "acme", n: "api" },
      );
      expect(data.repository.nameWithOwner).toBe("acme/api");
      const error = await client('{ repository(owner: "acme", name: "api") { nope } }').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GraphqlResponseError);
      expect((error as GraphqlResponseError<unknown>).errors?.[0]?.message).toBe(
        "Field 'nope' doesn't exist on type 'Repository'",
      );
    }
  });
});

describe("rate limit exhaustion", () => {
  it("answers 200 RATE_LIMITED with remaining 0 once the budget is spent, until reset", async () => {
    const sim = await startSimulator({
      scenario: createScenario({ seed: 1, size: "small" }),
      rateLimit: { limit: 5 },
    });
    try {
      const query = q("Q1_commits.graphql");
      const vars = { owner: "acme", name: "shop", qualifiedName: "main" };
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++)
        remaining.push((await post(sim, query, vars)).headers.get("x-ratelimit-remaining") ?? "");
      // GitHub lets the request that crosses the limit through and refuses the next one.
      expect(remaining).toEqual(["3", "1", "0"]);
      const limited = await post(sim, query, vars);
      expect(limited.status).toBe(200);
      expect(limited.body).toEqual({
        errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for user ID 990001." }],
      });
      expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
      expect(sim.stats.rateLimited).toBe(1);
      sim.resetRateLimit();
      expect((await post(sim, query, vars)).body.data.rateLimit.remaining).toBe(3);

      sim.setFaults({ exhaustPrimaryAfter: 2 });
      expect((await post(sim, query, vars)).status).toBe(200);
      expect((await post(sim, query, vars)).body.data).toBeDefined();
      expect((await post(sim, query, vars)).body.errors[0].type).toBe("RATE_LIMITED");
    } finally {
      await sim.close();
    }
  });

  it("rejects queries over the 500,000 node limit without charging", async () => {
    const sim = await startSimulator({ scenario: createScenario({ seed: 1, size: "small" }) });
    try {
      const res = await post(
        sim,
        `{ repository(owner: "acme", name: "shop") { pullRequests(first: 100) { nodes { commits(first: 100) { nodes {
          commit { checkSuites(first: 100) { nodes { databaseId } } } } } } } } }`,
      );
      expect(res.body.errors[0].type).toBe("MAX_NODE_LIMIT_EXCEEDED");
      expect(res.headers.get("x-ratelimit-used")).toBe("0");
    } finally {
      await sim.close();
    }
  });
});

describe("fault injection", () => {
  let sim: Simulator;
  const query = q("Q1_commits.graphql");
  const vars = { owner: "acme", name: "shop", qualifiedName: "refs/heads/main" };

  beforeAll(async () => {
    sim = await startSimulator({ scenario: createScenario({ seed: 5, size: "small" }) });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("produces each fault kind", async () => {
    sim.setFaults({
      script: ["502", "504", "secondary", "slow", "partial", "something-went-wrong", null],
      slowMs: 150,
      retryAfterSeconds: 7,
    });
    const r502 = await post(sim, query, vars);
    expect(r502.status).toBe(502);
    expect(r502.headers.get("content-type")).toMatch(/text\/html/);
    expect(r502.text).toContain("We couldn't respond to your request in time");
    expect((await post(sim, query, vars)).status).toBe(504);

    const secondary = await post(sim, query, vars);
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get("retry-after")).toBe("7");
    expect(secondary.body.message).toMatch(/^You have exceeded a secondary rate limit/);

    const started = performance.now();
    const slow = await post(sim, query, vars);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.body.data.repository.ref.name).toBe("main");

    const partial = await post(sim, query, vars);
    expect(partial.status).toBe(200);
    expect(partial.body.data).not.toBeNull();
    const error = partial.body.errors[0];
    expect(error.type).toBe("RESOURCE_LIMITS_EXCEEDED");
    expect(Array.isArray(error.path)).toBe(true);
    let at = partial.body.data;
    for (const key of error.path) at = at?.[key];
    expect(at).toBeNull();

    const wrong = await post(sim, query, vars);
    expect(wrong.status).toBe(200);
    expect(wrong.body.data).toBeNull();
    expect(wrong.body.errors[0].message).toMatch(/^Something went wrong while executing your query/);

    expect((await post(sim, query, vars)).body.errors).toBeUndefined();
    expect(sim.stats.faults).toMatchObject({
      "502": 1,
      "504": 1,
      secondary: 1,
      slow: 1,
      partial: 1,
      "something-went-wrong": 1,
    });
    // Injected delays are not simulator time.
    expect(sim.stats.timeInSimulatorMs).toBeLessThan(sim.stats.log.reduce((a, e) => a + e.durationMs, 0) + 1);
  });

  it("draws faults deterministically from the fault seed", async () => {
    const schedule = async (seed: number) => {
      sim.setFaults({ rate: 0.5, seed, kinds: ["502", "504", "secondary", "something-went-wrong"] });
      sim.stats.reset();
      for (let i = 0; i < 16; i++) await post(sim, "{ rateLimit { cost } }");
      return sim.stats.log.map((e) => e.fault ?? "-");
    };
    const a = await schedule(3);
    const b = await schedule(3);
    const c = await schedule(4);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((f) => f !== "-").length).toBeGreaterThan(2);
    const kinds = new Set<FaultKind | string>(a);
    expect(kinds.size).toBeGreaterThan(2);
  });
});

describe("advance and stats", () => {
  it("serves new data after advance, including the moved tag and the late-reviewed PR", async () => {
    const scn = createScenario({ seed: 21, size: "small" });
    const sim = await startSimulator({ scenario: scn });
    try {
      const tagsQuery = q("Q3_tags.graphql");
      const peel = (t: { target: { __typename: string; oid: string; target?: { oid: string } } }) =>
        t.target.__typename === "Tag" ? t.target.target?.oid : t.target.oid;
      const before = await post(sim, tagsQuery, { owner: "acme", name: "shop" });
      const beforeTags = new Map<string, string | undefined>(
        before.body.data.repository.refs.nodes.map((t: never) => [(t as { name: string }).name, peel(t)]),
      );
      const historyBefore = (
        await post(sim, q("Q1_commits.graphql"), { owner: "acme", name: "shop", qualifiedName: "test" })
      ).body.data.repository.ref.target.history.totalCount;

      sim.advance(1);

      const move = repoOf(sim.scenario, "shop").tagMoves[0];
      expect(move).toBeDefined();
      const after = await post(sim, tagsQuery, { owner: "acme", name: "shop" });
      const moved = after.body.data.repository.refs.nodes.find(
        (t: { name: string }) => t.name === move?.name,
      );
      expect(beforeTags.get(move?.name ?? "")).toBe(move?.from);
      expect(peel(moved)).toBe(move?.to);

      const historyAfter = (
        await post(sim, q("Q1_commits.graphql"), { owner: "acme", name: "shop", qualifiedName: "test" })
      ).body.data.repository.ref.target.history.totalCount;
      expect(historyAfter).toBeGreaterThan(historyBefore);

      const late = sim.scenario.events.find((e) => e.kind === "late-dismissal");
      const prs = await post(sim, q("Q2_prs.graphql"), { owner: "acme", name: "shop", base: "test" });
      const top = prs.body.data.repository.pullRequests.nodes[0];
      expect(top.number).toBe(late?.pr);
      expect(top.timelineItems.nodes.at(-1).__typename).toBe("ReviewDismissedEvent");
    } finally {
      await sim.close();
    }
  });

  it("logs every request with operation name and variables", async () => {
    const sim = await startSimulator({ scenario: createScenario({ seed: 2, size: "small" }) });
    try {
      await post(sim, q("Q5_deploy.graphql"), { owner: "acme", name: "api", envs: ["prod"] });
      await post(sim, q("Q6_envs.graphql"), { owner: "acme", name: "api" });
      await post(sim, q("Q6_envs.graphql"), { owner: "acme", name: "web" });
      expect(sim.stats.requests).toBe(3);
      expect(sim.stats.byOperation).toEqual({ Deployments: 1, Environments: 2 });
      expect(sim.stats.pointsCharged).toBe(1 + 2 + 2);
      expect(sim.stats.log.map((e) => [e.operationName, e.variables.name, e.status])).toEqual([
        ["Deployments", "api", 200],
        ["Environments", "api", 200],
        ["Environments", "web", 200],
      ]);
      sim.stats.reset();
      expect(sim.stats.requests).toBe(0);
      expect(sim.repos).toEqual(["acme/shop", "acme/api", "acme/web"]);
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    } finally {
      await sim.close();
    }
  });
});
