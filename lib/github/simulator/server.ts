import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLError,
  getVariableValues,
  parse,
  validate,
} from "graphql";
import { analyzeQuery, type GitHubError, type QueryAnalysis, selectOperation } from "./cost.ts";
import { ScenarioIndex, VIEWER } from "./data-index.ts";
import { formatExecutionError, formatValidationErrors, formatVariableError } from "./errors.ts";
import { Rng } from "./prng.ts";
import { randomAnswers } from "./random.ts";
import {
  fieldResolver,
  type Permission,
  type RateLimitView,
  type SimContext,
  typeResolver,
} from "./resolvers.ts";
import { advanceScenario, type Scenario } from "./scenario.ts";
import { githubSchema } from "./schema.ts";

export type FaultKind = "502" | "504" | "secondary" | "slow" | "partial" | "something-went-wrong";
export const FAULT_KINDS: readonly FaultKind[] = [
  "502",
  "504",
  "secondary",
  "slow",
  "partial",
  "something-went-wrong",
];

export interface FaultOptions {
  /** Probability (0..1) that a request gets a fault. */
  rate?: number;
  /** Kinds drawn from (uniformly) when a fault fires; default: all. */
  kinds?: FaultKind[];
  /** Seed of the fault schedule; the n-th request after `setFaults` always gets the same fault. */
  seed?: number;
  /** Delay of the `slow` fault. */
  slowMs?: number;
  /** `retry-after` of the secondary-limit fault. */
  retryAfterSeconds?: number;
  /** Serve this many requests, then drain the primary budget once (until `resetRateLimit` or the window ends). */
  exhaustPrimaryAfter?: number;
  /** Faults for the next requests in order (null = none), consumed before the random schedule. */
  script?: (FaultKind | null)[];
}

export interface RateLimitOptions {
  /** Points per window (GitHub: 5,000 per hour for a user token). */
  limit?: number;
  windowMs?: number;
}

export interface SecondaryLimitOptions {
  /** GitHub allows 2,000 secondary points per minute on GraphQL (1 per query); off unless set. */
  pointsPerMinute?: number | null;
  /** GitHub allows 100 concurrent requests. */
  maxConcurrent?: number;
}

export interface SimulatorOptions {
  scenario: Scenario;
  port?: number;
  host?: string;
  faults?: FaultOptions | null;
  /** Accepted tokens; when omitted any non-empty token is accepted. */
  tokens?: string[];
  rateLimit?: RateLimitOptions;
  secondary?: SecondaryLimitOptions;
  /** Request log entries kept (oldest dropped first). */
  logLimit?: number;
  /**
   * Answer every query with random schema-valid data drawn from this seed instead of the
   * scenario (see random.ts); rate limits, costs and faults work as usual.
   */
  randomAnswers?: { seed: number } | null;
  /** Permissions the token lacks (a fine-grained token without Checks, say): those fields answer FORBIDDEN. */
  forbidden?: Permission[];
}

export interface RequestLogEntry {
  seq: number;
  at: string;
  path: string;
  operationName: string | null;
  variables: Record<string, unknown>;
  status: number;
  cost: number;
  fault: FaultKind | "rate-limited" | null;
  durationMs: number;
}

export interface SimulatorStats {
  /** Requests that reached the GraphQL endpoint (authenticated or not). */
  requests: number;
  pointsCharged: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
  rateLimited: number;
  /** Wall time spent handling requests, excluding injected `slow` delays. */
  timeInSimulatorMs: number;
  log: RequestLogEntry[];
  reset(): void;
}

export interface RateLimitState {
  limit: number;
  used: number;
  remaining: number;
  resetAt: number;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT/graphql` (`/api/graphql` is served too, GHES-style). */
  url: string;
  port: number;
  repos: string[];
  stats: SimulatorStats;
  readonly scenario: Scenario;
  setFaults(faults: FaultOptions | null): void;
  /** Permissions the token lacks from now on (none: every read allowed). */
  setForbidden(permissions: Permission[]): void;
  /** Advances the scenario (see `advanceScenario`) and serves the new state. */
  advance(steps?: number, seed?: number): Scenario;
  resetRateLimit(token?: string): void;
  rateLimit(token: string): RateLimitState;
  close(): Promise<void>;
}

const DOCS = "https://docs.github.com/graphql";
const JSON_TYPE = "application/json; charset=utf-8";

const TIMEOUT_HTML = (status: number) =>
  `<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"><title>${status === 502 ? "Unicorn!" : "Gateway Timeout"} · GitHub</title></head>\n<body>\n<h1>${status}</h1>\n<p>We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.</p>\n</body>\n</html>\n`;

function newStats(): SimulatorStats {
  const stats: SimulatorStats = {
    requests: 0,
    pointsCharged: 0,
    byOperation: {},
    byStatus: {},
    faults: {},
    rateLimited: 0,
    timeInSimulatorMs: 0,
    log: [],
    reset() {
      stats.requests = 0;
      stats.pointsCharged = 0;
      stats.byOperation = {};
      stats.byStatus = {};
      stats.faults = {};
      stats.rateLimited = 0;
      stats.timeInSimulatorMs = 0;
      stats.log = [];
    },
  };
  return stats;
}

interface Bucket {
  used: number;
  resetAt: number;
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

interface ParsedQuery {
  document?: DocumentNode;
  errors: GitHubError[];
}

class FaultSchedule {
  private rng: Rng;
  private scriptIndex = 0;
  served = 0;
  exhausted = false;

  constructor(readonly options: FaultOptions) {
    this.rng = new Rng(`faults:${options.seed ?? 0}`);
  }

  next(): FaultKind | null {
    const script = this.options.script;
    if (script && this.scriptIndex < script.length) return script[this.scriptIndex++] ?? null;
    const rate = this.options.rate ?? 0;
    const kinds = this.options.kinds && this.options.kinds.length > 0 ? this.options.kinds : FAULT_KINDS;
    if (rate <= 0) return null;
    return this.rng.next() < rate ? this.rng.pick(kinds) : null;
  }

  int(min: number, max: number): number {
    return this.rng.int(min, max);
  }
}

function requestId(seq: number): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, "0");
  return `${hex(0x51a, 4)}:${hex(seq & 0xffff, 4)}:${hex(seq * 7919, 6)}:${hex(seq * 104729, 7)}:${hex(seq, 8)}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts an HTTP server answering GitHub GraphQL requests from the scenario. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const schema = githubSchema();
  let scenario = options.scenario;
  let index = new ScenarioIndex(scenario);
  const stats = newStats();
  const buckets = new Map<string, Bucket>();
  // RateLimit.limit/remaining/used are GraphQL Ints; a larger budget would make every rateLimit query fail.
  const limit = Math.min(options.rateLimit?.limit ?? 5000, 2_147_483_647);
  const windowMs = options.rateLimit?.windowMs ?? 3_600_000;
  const maxConcurrent = options.secondary?.maxConcurrent ?? 100;
  const secondaryPerMinute = options.secondary?.pointsPerMinute ?? null;
  const secondaryWindow = new Map<string, number[]>();
  const logLimit = options.logLimit ?? 100_000;
  const tokens = options.tokens ? new Set(options.tokens) : null;
  let faults = options.faults ? new FaultSchedule(options.faults) : null;
  let forbidden = new Set<Permission>(options.forbidden ?? []);
  const parsedCache = new Map<string, ParsedQuery>();
  let inFlight = 0;
  let seq = 0;

  const bucketFor = (token: string): Bucket => {
    const now = Date.now();
    let b = buckets.get(token);
    if (!b || now >= b.resetAt) {
      b = { used: 0, resetAt: now + windowMs };
      buckets.set(token, b);
    }
    return b;
  };
  const rateHeaders = (b: Bucket): Record<string, string> => ({
    "x-ratelimit-limit": String(limit),
    "x-ratelimit-remaining": String(Math.max(0, limit - b.used)),
    "x-ratelimit-used": String(b.used),
    "x-ratelimit-reset": String(Math.floor(b.resetAt / 1000)),
    "x-ratelimit-resource": "graphql",
  });

  const parseQuery = (source: string): ParsedQuery => {
    let hit = parsedCache.get(source);
    if (hit) return hit;
    try {
      const document = parse(source);
      const errors = validate(schema, document);
      hit =
        errors.length > 0 ? { errors: formatValidationErrors(errors, document) } : { document, errors: [] };
    } catch (error) {
      hit = { errors: formatValidationErrors([error as GraphQLError]) };
    }
    if (parsedCache.size >= 500) parsedCache.clear();
    parsedCache.set(source, hit);
    return hit;
  };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
    status,
    body: JSON.stringify(body),
    headers: { "content-type": JSON_TYPE, ...headers },
  });

  const random = options.randomAnswers ? randomAnswers(options.randomAnswers.seed) : null;
  const run = (
    document: DocumentNode,
    operationName: string | null,
    variables: Record<string, unknown>,
    ctx: SimContext,
  ) => {
    random?.beginRequest(seq);
    return execute({
      schema,
      document,
      rootValue: null,
      contextValue: ctx,
      variableValues: variables,
      operationName,
      fieldResolver: random ? (random.fieldResolver as typeof fieldResolver) : fieldResolver,
      typeResolver: random ? (random.typeResolver as typeof typeResolver) : typeResolver,
    }) as ExecutionResult;
  };

  const graphqlBody = (result: ExecutionResult) => {
    const body: { data: unknown; errors?: GitHubError[] } = { data: result.data ?? null };
    if (result.errors && result.errors.length > 0) body.errors = result.errors.map(formatExecutionError);
    return body;
  };

  async function handleGraphql(
    token: string,
    payload: { query?: unknown; variables?: unknown; operationName?: unknown },
    entry: RequestLogEntry,
    clock: { slowMs: number },
  ): Promise<Reply> {
    const fault = faults?.next() ?? null;
    const requestSeq = entry.seq;
    const variables =
      payload.variables && typeof payload.variables === "object"
        ? (payload.variables as Record<string, unknown>)
        : {};
    entry.variables = variables;
    if (typeof payload.operationName === "string") entry.operationName = payload.operationName;
    const baseHeaders = {
      "x-github-request-id": requestId(requestSeq),
      "x-github-media-type": "github.v4; format=json",
    };

    const secondary = (retryAfter: number): Reply =>
      json(
        403,
        {
          documentation_url: `${DOCS}/overview/rate-limits-and-query-limits-for-the-graphql-api#secondary-rate-limits`,
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId(requestSeq)}.`,
        },
        { ...baseHeaders, ...rateHeaders(bucketFor(token)), "retry-after": String(retryAfter) },
      );

    if (fault === "secondary") {
      entry.fault = fault;
      return secondary(faults?.options.retryAfterSeconds ?? 60);
    }
    if (inFlight > maxConcurrent) return secondary(60);
    if (secondaryPerMinute !== null) {
      const now = Date.now();
      const recent = (secondaryWindow.get(token) ?? []).filter((t) => now - t < 60_000);
      if (recent.length >= secondaryPerMinute) {
        secondaryWindow.set(token, recent);
        return secondary(Math.max(1, Math.ceil((60_000 - (now - (recent[0] ?? now))) / 1000)));
      }
      recent.push(now);
      secondaryWindow.set(token, recent);
    }
    if (fault === "slow") {
      entry.fault = fault;
      const delay = faults?.options.slowMs ?? 2000;
      clock.slowMs += delay;
      await sleep(delay);
    }

    const bucket = bucketFor(token);
    if (typeof payload.query !== "string" || payload.query.trim() === "") {
      return json(
        200,
        { errors: [{ message: "A query attribute must be specified and must be a string." }] },
        {
          ...baseHeaders,
          ...rateHeaders(bucket),
        },
      );
    }
    const parsed = parseQuery(payload.query);
    if (!parsed.document)
      return json(200, { errors: parsed.errors }, { ...baseHeaders, ...rateHeaders(bucket) });
    const document = parsed.document;
    const operationName = typeof payload.operationName === "string" ? payload.operationName : null;
    const op = selectOperation(document, operationName);
    if (!op) {
      const message = operationName
        ? `No operation named "${operationName}"`
        : "An operation name is required when the document contains several operations";
      return json(200, { errors: [{ message }] }, { ...baseHeaders, ...rateHeaders(bucket) });
    }
    entry.operationName = op.name?.value ?? entry.operationName;
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], variables, { maxErrors: 25 });
    if (coerced.errors) {
      return json(
        200,
        { errors: coerced.errors.map(formatVariableError) },
        { ...baseHeaders, ...rateHeaders(bucket) },
      );
    }
    const analysis: QueryAnalysis = analyzeQuery(schema, document, operationName, coerced.coerced);
    if (analysis.errors.length > 0) {
      return json(200, { data: null, errors: analysis.errors }, { ...baseHeaders, ...rateHeaders(bucket) });
    }

    if (faults?.options.exhaustPrimaryAfter !== undefined && !faults.exhausted) {
      if (faults.served >= faults.options.exhaustPrimaryAfter) {
        faults.exhausted = true;
        bucket.used = Math.max(bucket.used, limit);
      }
    }
    if (bucket.used >= limit) {
      entry.fault = "rate-limited";
      stats.rateLimited += 1;
      return json(
        200,
        {
          errors: [
            { type: "RATE_LIMITED", message: `API rate limit exceeded for user ID ${VIEWER.databaseId}.` },
          ],
        },
        { ...baseHeaders, ...rateHeaders(bucket) },
      );
    }
    if (faults) faults.served += 1;

    const charge = analysis.dryRun ? 0 : analysis.cost;
    bucket.used += charge;
    stats.pointsCharged += charge;
    entry.cost = charge;
    const headers = { ...baseHeaders, ...rateHeaders(bucket) };
    const rate: RateLimitView = {
      cost: analysis.cost,
      limit,
      remaining: Math.max(0, limit - bucket.used),
      used: bucket.used,
      resetAt: bucket.resetAt,
      nodeCount: analysis.nodeCount,
    };

    if (fault === "502" || fault === "504") {
      // A timed-out query still costs its points, as on GitHub.
      entry.fault = fault;
      const status = Number(fault);
      return {
        status,
        body: TIMEOUT_HTML(status),
        headers: { "content-type": "text/html; charset=utf-8", ...headers },
      };
    }
    if (fault === "something-went-wrong") {
      entry.fault = fault;
      return json(
        200,
        {
          data: null,
          errors: [
            {
              message: `Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include \`${requestId(requestSeq)}\` when reporting this issue.`,
            },
          ],
        },
        headers,
      );
    }

    const ctx: SimContext = { index, rate, dryRun: analysis.dryRun, forbidden };
    if (fault === "partial") {
      const counting: SimContext = { ...ctx, partial: { target: -1, seen: 0 } };
      run(document, operationName, variables, counting);
      const eligible = counting.partial?.seen ?? 0;
      if (eligible > 0) {
        entry.fault = fault;
        const result = run(document, operationName, variables, {
          ...ctx,
          partial: { target: faults?.int(0, eligible - 1) ?? 0, seen: 0 },
        });
        return json(200, graphqlBody(result), headers);
      }
    }
    const result = run(document, operationName, variables, ctx);
    return json(200, graphqlBody(result), headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const clock = { slowMs: 0 };
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let reply: Reply;
    const entry: RequestLogEntry = {
      seq: 0,
      at: new Date().toISOString(),
      path,
      operationName: null,
      variables: {},
      status: 0,
      cost: 0,
      fault: null,
      durationMs: 0,
    };
    const isGraphql = path === "/graphql" || path === "/api/graphql";
    try {
      const raw = await readBody(req);
      if (!isGraphql) {
        reply = json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      } else {
        entry.seq = ++seq;
        stats.requests += 1;
        inFlight += 1;
        try {
          const auth = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
          if (!req.headers.authorization) {
            reply = json(401, {
              message: "This endpoint requires you to be authenticated.",
              documentation_url: `${DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql`,
            });
          } else if (!auth?.[1] || (tokens && !tokens.has(auth[1]))) {
            reply = json(401, { message: "Bad credentials", documentation_url: DOCS });
          } else if (req.method !== "POST") {
            reply = json(404, { message: "Not Found", documentation_url: DOCS });
          } else {
            let payload: Record<string, unknown> | null = null;
            try {
              const parsed = JSON.parse(raw) as unknown;
              if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
                payload = parsed as Record<string, unknown>;
            } catch {
              payload = null;
            }
            reply = payload
              ? await handleGraphql(auth[1], payload, entry, clock)
              : json(400, { message: "Problems parsing JSON", documentation_url: DOCS });
          }
        } finally {
          inFlight -= 1;
        }
      }
    } catch (error) {
      reply = json(500, { message: `Simulator error: ${(error as Error).message}` });
    }
    if (isGraphql) {
      const elapsed = performance.now() - started - clock.slowMs;
      entry.status = reply.status;
      entry.durationMs = Math.round(elapsed * 1000) / 1000;
      stats.timeInSimulatorMs += elapsed;
      stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
      const op = entry.operationName ?? "(anonymous)";
      stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
      if (entry.fault) stats.faults[entry.fault] = (stats.faults[entry.fault] ?? 0) + 1;
      stats.log.push(entry);
      if (stats.log.length > logLimit) stats.log.splice(0, stats.log.length - logLimit);
    }
    res.writeHead(reply.status, {
      ...reply.headers,
      "content-length": String(Buffer.byteLength(reply.body)),
    });
    res.end(reply.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": JSON_TYPE });
      res.end(JSON.stringify({ message: String(error) }));
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/graphql`,
    port,
    get repos() {
      return scenario.repos.map((r) => `${r.owner}/${r.name}`);
    },
    stats,
    get scenario() {
      return scenario;
    },
    setFaults(next) {
      faults = next ? new FaultSchedule(next) : null;
    },
    setForbidden(permissions) {
      forbidden = new Set(permissions);
    },
    advance(steps = 1, seed) {
      scenario = advanceScenario(scenario, { steps, seed });
      index = new ScenarioIndex(scenario);
      return scenario;
    },
    resetRateLimit(token) {
      if (token === undefined) buckets.clear();
      else buckets.delete(token);
    },
    rateLimit(token) {
      const b = bucketFor(token);
      return { limit, used: b.used, remaining: Math.max(0, limit - b.used), resetAt: b.resetAt };
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
