import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { classifyNetworkFailure, endpointOptions, GithubClient, type GithubClientOptions } from "./client";
import { createScenario, type Simulator, startSimulator } from "./simulator/index";

const QUERY = `query Probe($owner: String!, $name: String!) {
  rateLimit { cost remaining resetAt limit used }
  repository(owner: $owner, name: $name) { defaultBranchRef { name target { oid } } }
}`;
const VARS = { owner: "acme", name: "shop" };
const TOKEN = "ghp_SecretTokenValue0123456789";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: createScenario({ seed: 3, size: { repos: 1, commits: 40, pullRequests: 8, deployments: 8 } }),
    tokens: [TOKEN],
    rateLimit: { limit: 100_000 },
  });
});
afterAll(async () => {
  await sim?.close();
});

function client(options: Partial<GithubClientOptions> = {}) {
  const waits: number[] = [];
  const lines: string[] = [];
  const c = new GithubClient({
    token: TOKEN,
    url: sim.url,
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (line) => lines.push(line),
    ...options,
  });
  return { c, waits, lines };
}

/** A fetch that answers from a list of canned responses, counting requests in flight. */
function cannedFetch(responses: (() => Response)[], delayMs = 0) {
  const state = { calls: 0, inFlight: 0, maxInFlight: 0, authorization: [] as string[] };
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    state.calls++;
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    state.authorization.push(new Headers(init?.headers).get("authorization") ?? "");
    await new Promise((r) => setTimeout(r, delayMs));
    state.inFlight--;
    const next = responses[Math.min(state.calls - 1, responses.length - 1)]!;
    return next();
  }) as typeof fetch;
  return { fetchImpl, state };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

const OK = json(200, {
  data: { rateLimit: { cost: 1, remaining: 4999, resetAt: "2030-01-01T00:00:00Z", limit: 5000, used: 1 } },
});

describe("endpointOptions", () => {
  it("derives @octokit/graphql's baseUrl and path for github.com, GHES and the simulator", () => {
    expect(endpointOptions("https://api.github.com/graphql")).toEqual({
      baseUrl: "https://api.github.com",
      url: "/graphql",
    });
    expect(endpointOptions("https://ghe.example.com/api/graphql")).toEqual({
      baseUrl: "https://ghe.example.com/api",
      url: "/graphql",
    });
    expect(endpointOptions("https://ghe.example.com/api/v3/")).toEqual({
      baseUrl: "https://ghe.example.com/api",
      url: "/graphql",
    });
    expect(endpointOptions("http://127.0.0.1:4000/graphql")).toEqual({
      baseUrl: "http://127.0.0.1:4000",
      url: "/graphql",
    });
    expect(() => endpointOptions("not a url")).toThrow(AppError);
  });

  it("sends the request to a GHES endpoint with the token as a bearer header", async () => {
    const { fetchImpl, state } = cannedFetch([OK]);
    let seen = "";
    const spy = (async (url: string, init?: RequestInit) => {
      seen = url;
      return fetchImpl(url, init);
    }) as typeof fetch;
    const { c } = client({ url: "https://ghe.example.com/api/graphql", fetch: spy });
    await c.query(QUERY, VARS);
    expect(seen).toBe("https://ghe.example.com/api/graphql");
    expect(state.authorization).toEqual([`bearer ${TOKEN}`]);
  });
});

describe("GithubClient against the simulator", () => {
  it("answers a query and tracks the points used and left", async () => {
    const { c } = client();
    const data = await c.query<{ repository: { defaultBranchRef: { name: string } } }>(QUERY, VARS);
    expect(data.repository.defaultBranchRef.name).toBe("main");
    expect(c.stats).toMatchObject({ requests: 1, points: 1, failures: 0, limit: 100_000 });
    expect(c.stats.remaining).toBeLessThan(100_000);
  });

  it("retries 502, 504 and 'Something went wrong' with growing delays", async () => {
    sim.setFaults({ script: ["502", "504", "something-went-wrong", null] });
    const { c, waits } = client({ retryBaseMs: 100 });
    const data = await c.query<{ repository: unknown }>(QUERY, VARS);
    expect(data.repository).toBeTruthy();
    expect(waits).toEqual([100, 200, 400]);
    expect(c.stats).toMatchObject({ requests: 4, failures: 3, retries: 3 });
  });

  it("throws away a partial result and asks again", async () => {
    sim.setFaults({ script: ["partial", null] });
    const { c } = client();
    const data = await c.query<{ repository: { defaultBranchRef: { target: { oid: string } } | null } }>(
      QUERY,
      VARS,
    );
    expect(data.repository.defaultBranchRef?.target.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(c.stats.failures).toBe(1);
  });

  it("honours retry-after on a secondary rate limit", async () => {
    sim.setFaults({ script: ["secondary", null], retryAfterSeconds: 17 });
    const { c, waits, lines } = client();
    await c.query(QUERY, VARS);
    expect(waits).toEqual([17_000]);
    expect(lines).toEqual(["GitHub secondary rate limit; retrying in 17 s"]);
  });

  it("gives up after the last attempt with one line naming the query", async () => {
    sim.setFaults({ script: ["502", "502", "502"] });
    const { c } = client({ maxAttempts: 3 });
    await expect(c.query(QUERY, VARS)).rejects.toThrow(/^GitHub failed 3 times in a row on Probe: HTTP 502$/);
  });

  it("waits for the primary limit's reset and says until when", async () => {
    const limited = await startSimulator({
      scenario: createScenario({ seed: 3, size: { repos: 1, commits: 20, pullRequests: 4, deployments: 4 } }),
      rateLimit: { limit: 2, windowMs: 1500 },
    });
    try {
      const lines: string[] = [];
      const c = new GithubClient({ token: "t", url: limited.url, log: (l) => lines.push(l) });
      const started = Date.now();
      for (let i = 0; i < 4; i++) await c.query(QUERY, VARS);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines[0]).toMatch(
        /^GitHub rate limit exhausted \(0 of 2 points left\); waiting until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+ s\)$/,
      );
    } finally {
      await limited.close();
    }
  });

  it("fails at once, in one line, when the token is rejected", async () => {
    sim.stats.reset();
    const { c } = client({ token: "ghp_wrong_token_987654321" });
    const err = await c.query(QUERY, VARS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("UNAUTHORIZED");
    expect((err as AppError).message).toBe(
      "GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN",
    );
    expect(sim.stats.requests).toBe(1);
  });

  it("fails at once on a wrong endpoint (404), a repository it cannot see, and a query GitHub rejects", async () => {
    const wrongPath = client({ url: sim.url.replace("/graphql", "/nothing-here") }).c;
    await expect(wrongPath.query(QUERY, VARS)).rejects.toThrow(
      /^no GitHub GraphQL API at .*\(404\): check GITHUB_GRAPHQL_URL$/,
    );
    const { c } = client();
    await expect(c.query(QUERY, { owner: "acme", name: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Could not resolve to a Repository with the name 'acme/nope'. (or the token cannot see it)",
    });
    await expect(c.query("query Bad { viewer { nope } }")).rejects.toMatchObject({
      code: "UPSTREAM",
      message: expect.stringMatching(/^GitHub rejected query Bad: Field 'nope' doesn't exist on type 'User'/),
    });
    expect(c.stats.retries).toBe(0);
  });
});

describe("GithubClient with canned answers", () => {
  it("waits at least a minute on a secondary limit without retry-after", async () => {
    const { fetchImpl } = cannedFetch([
      json(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes." }),
      OK,
    ]);
    const { c, waits } = client({ fetch: fetchImpl });
    await c.query(QUERY, VARS);
    expect(waits).toEqual([60_000]);
  });

  it("fails at once on 400 and never puts the token in a message", async () => {
    const { fetchImpl, state } = cannedFetch([json(400, { message: `Problems parsing JSON near ${TOKEN}` })]);
    const { c } = client({ fetch: fetchImpl });
    const err = (await c.query(QUERY, VARS).catch((e: unknown) => e)) as AppError;
    expect(err.message).toBe("GitHub refused Probe (400): Problems parsing JSON near [token]");
    expect(err.message).not.toContain(TOKEN);
    expect(state.calls).toBe(1);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    const { fetchImpl, state } = cannedFetch([OK], 5);
    const { c } = client({ fetch: fetchImpl, concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, () => c.query(QUERY, VARS)));
    expect(state.calls).toBe(20);
    expect(state.maxInFlight).toBe(3);
  });

  it("keeps a batch whose aliased node is gone when told NOT_FOUND there means gone", async () => {
    const answer = json(200, {
      data: { rateLimit: { cost: 1 }, s0: { databaseId: 1 }, s1: null },
      errors: [
        {
          type: "NOT_FOUND",
          path: ["s1"],
          message: "Could not resolve to a node with the global id of 'x'.",
        },
      ],
    });
    const nullable = (path: readonly (string | number)[]) => /^s\d+$/.test(String(path[0]));
    const { c } = client({ fetch: cannedFetch([answer]).fetchImpl });
    expect(await c.query("query CheckRuns { rateLimit { cost } }", {}, { nullable })).toMatchObject({
      s0: { databaseId: 1 },
      s1: null,
    });
    const strict = client({ fetch: cannedFetch([answer]).fetchImpl }).c;
    await expect(strict.query("query CheckRuns { rateLimit { cost } }", {})).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses to start without a token", () => {
    expect(() => new GithubClient({ token: "  " })).toThrow(
      "GITHUB_TOKEN is not set: sync needs a GitHub token",
    );
  });
});

/** A port nothing listens on: bound, then closed. */
async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A plain HTTP server answering each request with the next of `plan`: a GraphQL answer, or a dropped socket. */
async function plainServer(plan: ("ok" | "reset")[]) {
  const state = { requests: 0, connections: 0 };
  const server = http.createServer((req, res) => {
    const step = plan[Math.min(state.requests, plan.length - 1)];
    state.requests++;
    req.resume();
    if (step === "reset") return void req.socket.destroy();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ data: { rateLimit: { cost: 1, remaining: 4999, limit: 5000 } } }));
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { port, state, close };
}

describe("GithubClient on network failures", () => {
  it("fails at once, in one line, when the first request of a run is refused", async () => {
    const port = await refusingPort();
    const { c, lines, waits } = client({ url: `http://user:pw@127.0.0.1:${port}/graphql` });
    const error = (await c
      .query(QUERY, VARS, { label: "acme/shop pull_requests" })
      .catch((e: unknown) => e)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toBe(`cannot reach http://127.0.0.1:${port}/graphql: ECONNREFUSED`);
    expect(c.stats.requests).toBe(1);
    expect(waits).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("fails at once on https:// against a plain HTTP server, asking whether it is an http:// one", async () => {
    const server = await plainServer(["ok"]);
    try {
      const { c, waits } = client({ url: `https://127.0.0.1:${server.port}/graphql` });
      await expect(c.query(QUERY, VARS)).rejects.toThrow(
        new RegExp(
          `^TLS handshake with https://127\\.0\\.0\\.1:${server.port}/graphql failed \\((ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)\\): is it an http:// server\\?$`,
        ),
      );
      expect(server.state.connections).toBe(1);
      expect(waits).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("fails at once when the host has no DNS entry", async () => {
    const { c, waits } = client({ url: "https://nonexistent.invalid/graphql" });
    await expect(c.query(QUERY, VARS)).rejects.toThrow(
      /^cannot reach https:\/\/nonexistent\.invalid\/graphql: ENOTFOUND \(no DNS entry for nonexistent\.invalid\)$/,
    );
    expect(c.stats.requests).toBe(1);
    expect(waits).toEqual([]);
  });

  it("retries a connection reset mid-run, one labelled line per retry", async () => {
    const server = await plainServer(["ok", "reset", "ok"]);
    try {
      const { c, lines, waits } = client({ url: `http://127.0.0.1:${server.port}/graphql` });
      await c.query(QUERY, VARS, { label: "acme/shop tags" });
      await expect(c.query(QUERY, VARS, { label: "acme/shop pull_requests" })).resolves.toBeTruthy();
      expect(server.state.requests).toBe(3);
      expect(waits).toEqual([1000]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^acme/shop pull_requests \\(Probe\\): cannot reach http://127\\.0\\.0\\.1:${server.port}/graphql: (ECONNRESET|UND_ERR_SOCKET|[^;]*other side closed); retry 1 in 1 s$`,
        ),
      );
    } finally {
      await server.close();
    }
  });

  it("retries a refusal once the server has answered (a restart), naming the endpoint each time", async () => {
    const server = await plainServer(["ok"]);
    const url = `http://127.0.0.1:${server.port}/graphql`;
    const { c, lines } = client({ url, maxAttempts: 3 });
    await c.query(QUERY, VARS);
    await server.close();
    await expect(c.query(QUERY, VARS, { label: "acme/shop tags" })).rejects.toThrow(
      `GitHub failed 3 times in a row on acme/shop tags (Probe): cannot reach ${url}: ECONNREFUSED`,
    );
    expect(lines).toEqual([
      `acme/shop tags (Probe): cannot reach ${url}: ECONNREFUSED; retry 1 in 1 s`,
      `acme/shop tags (Probe): cannot reach ${url}: ECONNREFUSED; retry 2 in 2 s`,
    ]);
  });

  it("walks the cause chain: certificate errors nested two deep fail, a socket error wrapped by undici heals", () => {
    const at = { endpoint: "https://ghe.example.com/api/graphql", host: "ghe.example.com", reached: true };
    const nested = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect failed"), {
        cause: Object.assign(new Error("unable to verify the first certificate"), {
          code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        }),
      }),
    });
    const tls = classifyNetworkFailure(nested, at);
    expect(tls.kind).toBe("fatal");
    expect(tls.kind === "fatal" && tls.error.message).toBe(
      "TLS handshake with https://ghe.example.com/api/graphql failed (UNABLE_TO_VERIFY_LEAF_SIGNATURE): its certificate is not trusted here (for a private CA, set NODE_EXTRA_CA_CERTS)",
    );
    const reset = new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), {
        code: "UND_ERR_SOCKET",
        cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      }),
    });
    expect(classifyNetworkFailure(reset, at)).toEqual({
      kind: "retry",
      reason: "cannot reach https://ghe.example.com/api/graphql: ECONNRESET",
    });
    const again = new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo EAI_AGAIN"), { code: "EAI_AGAIN" }),
    });
    expect(classifyNetworkFailure(again, at).kind).toBe("retry");
    expect(classifyNetworkFailure(again, { ...at, reached: false }).kind).toBe("fatal");
  });
});

describe("GithubClient messages with a short test token", () => {
  it("leaves a message readable when the token is a few letters (nothing to protect, much to garble)", async () => {
    const { fetchImpl } = cannedFetch([json(400, { message: "Problems parsing JSON at the start" })]);
    const c = new GithubClient({
      token: "t",
      url: "http://127.0.0.1:1/graphql",
      fetch: fetchImpl,
      log: () => {},
    });
    const err = (await c.query(QUERY, VARS).catch((e: unknown) => e)) as AppError;
    expect(err.message).toBe("GitHub refused Probe (400): Problems parsing JSON at the start");
  });
});
