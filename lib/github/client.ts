import { GraphqlResponseError, graphql } from "@octokit/graphql";
import { AppError } from "../errors";

export const DEFAULT_GRAPHQL_URL = "https://api.github.com/graphql";

/** One entry of a GraphQL `errors` array; GitHub puts `type` at the top level. */
export interface GraphqlErrorEntry {
  type?: string;
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; type?: string } & Record<string, unknown>;
}

export interface RateLimitInfo {
  cost?: number;
  limit?: number;
  remaining?: number;
  used?: number;
  resetAt?: string;
}

export interface GithubClientStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Requests that failed (and were retried or ended the sync). */
  failures: number;
  retries: number;
  /** Sum of `rateLimit.cost` over successful queries. */
  points: number;
  remaining: number | null;
  limit: number | null;
  /** Epoch ms at which the primary budget resets, from the last response that said. */
  resetAt: number | null;
  /** Time spent waiting for rate limits and between retries. */
  waitedMs: number;
}

export interface GithubClientOptions {
  token: string;
  /** The GraphQL endpoint: github.com's, `https://HOST/api/graphql` (GHES) or the simulator's. */
  url?: string;
  /** Requests in flight at once (GitHub allows 100; a sync needs far fewer). */
  concurrency?: number;
  /** Attempts per query for transient failures (502/504, "Something went wrong", partial results). */
  maxAttempts?: number;
  /** First retry delay; each further retry doubles it, up to `maxRetryDelayMs`. */
  retryBaseMs?: number;
  maxRetryDelayMs?: number;
  /** Wait after a secondary limit that names no `retry-after` (GitHub: at least one minute). */
  secondaryFallbackMs?: number;
  requestTimeoutMs?: number;
  /** Injectable for tests: every wait (retries, rate limits) goes through it. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** One line per notable event (rate-limit waits); never contains the token. */
  log?: (line: string) => void;
  fetch?: typeof fetch;
}

export interface QueryOptions {
  /** Who is asking ("acme/shop pull_requests"): prefixed to retry lines, so concurrent repositories' lines differ. */
  label?: string;
  /**
   * Paths (aliased objects of a batch) where NOT_FOUND means "gone", not "fail": the answer is
   * kept with null there. A workflow run someone deleted must not stop every later sync.
   */
  nullable?: (path: readonly (string | number)[]) => boolean;
  /**
   * Called with the FORBIDDEN / INSUFFICIENT_SCOPES errors of an answer that has data: a token
   * that may read some resources and not others. The data is kept (null where denied); without
   * this option such an answer fails the query.
   */
  onDenied?: (errors: readonly GraphqlErrorEntry[]) => void;
}

const DENIED_TYPES = new Set(["FORBIDDEN", "INSUFFICIENT_SCOPES"]);

/** The slice of the client the sync engine uses, so tests can wrap or replace it. */
export interface GraphqlClient {
  readonly url: string;
  readonly stats: GithubClientStats;
  query<T>(document: string, variables?: Record<string, unknown>, options?: QueryOptions): Promise<T>;
}

// @octokit/graphql treats these option names as request options, not variables.
const RESERVED_VARIABLES = new Set(["query", "method", "url", "baseUrl", "headers", "request", "mediaType"]);

const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_TYPES = new Set([
  "RESOURCE_LIMITS_EXCEEDED",
  "TIMEOUT",
  "INTERNAL",
  "SERVICE_UNAVAILABLE",
  "MAX_NODE_LIMIT_EXCEEDED_TEMPORARILY",
]);

/**
 * Splits an endpoint URL into what @octokit/graphql wants: `baseUrl` plus the path of the
 * GraphQL resource. `https://ghe.example.com/api/graphql` → `https://ghe.example.com/api` + `/graphql`.
 */
export function endpointOptions(endpoint: string): { baseUrl: string; url: string } {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new AppError("INVALID_CONFIG", `GITHUB_GRAPHQL_URL is not a URL: "${endpoint}"`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new AppError("INVALID_CONFIG", `GITHUB_GRAPHQL_URL must be http(s), not "${u.protocol}"`);
  }
  // A GHES REST base (…/api/v3) is a common mistake; its GraphQL endpoint is …/api/graphql.
  const pathname = u.pathname.replace(/\/api\/v3\/?$/, "/api/graphql").replace(/\/+$/, "") || "/graphql";
  const cut = pathname.lastIndexOf("/");
  return {
    baseUrl: `${u.origin}${pathname.slice(0, cut)}`,
    url: `${pathname.slice(cut) || "/graphql"}${u.search}`,
  };
}

const operationOf = (document: string) => /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "(anonymous)";

interface Attempt {
  status: number | null;
  headers: Record<string, string>;
  /** What fetch threw before any response (refused, DNS, TLS, reset), which octokit reports as HTTP 500. */
  networkError?: unknown;
}

export type Verdict =
  | { kind: "retry"; reason: string }
  | { kind: "secondary"; waitMs: number | null; reason: string }
  | { kind: "primary"; resetAtMs: number | null }
  | { kind: "fatal"; error: AppError };

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A GitHub GraphQL client with the habits of the octokit retry and throttling plugins:
 * transient failures retried with growing delays, secondary limits honoured, the primary
 * limit waited out until its reset, and client errors failing at once with one line.
 */
export class GithubClient implements GraphqlClient {
  readonly url: string;
  readonly stats: GithubClientStats = {
    requests: 0,
    failures: 0,
    retries: 0,
    points: 0,
    remaining: null,
    limit: null,
    resetAt: null,
    waitedMs: 0,
  };
  private readonly gql: typeof graphql;
  private readonly token: string;
  private readonly semaphore: Semaphore;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly fetchImpl: typeof fetch;
  private readonly opts: Required<
    Pick<
      GithubClientOptions,
      "maxAttempts" | "retryBaseMs" | "maxRetryDelayMs" | "secondaryFallbackMs" | "requestTimeoutMs"
    >
  >;
  /** While the primary budget is exhausted, every request waits for this moment. */
  private pausedUntil = 0;
  /**
   * Whether any HTTP answer has come back. Until one has, a refused connection means a wrong
   * URL or a server that is not running, and waiting 90 s will not change that; after one, it
   * is more likely a restart or a load balancer swapping hosts, which heals.
   */
  private reached = false;

  constructor(options: GithubClientOptions) {
    if (!options.token?.trim()) {
      throw new AppError("UNAUTHORIZED", "GITHUB_TOKEN is not set: sync needs a GitHub token");
    }
    this.token = options.token.trim();
    this.url = options.url ?? DEFAULT_GRAPHQL_URL;
    const endpoint = endpointOptions(this.url);
    this.gql = graphql.defaults({
      baseUrl: endpoint.baseUrl,
      url: endpoint.url,
      headers: { authorization: `bearer ${this.token}`, "user-agent": "lineage-sync" },
    });
    this.semaphore = new Semaphore(Math.max(1, options.concurrency ?? 4));
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => process.stderr.write(`lineage sync: ${line}\n`));
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.opts = {
      maxAttempts: options.maxAttempts ?? 8,
      retryBaseMs: options.retryBaseMs ?? 1000,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      secondaryFallbackMs: options.secondaryFallbackMs ?? 60_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
    };
  }

  async query<T>(
    document: string,
    variables: Record<string, unknown> = {},
    options: QueryOptions = {},
  ): Promise<T> {
    for (const key of Object.keys(variables)) {
      if (RESERVED_VARIABLES.has(key)) throw new Error(`GraphQL variable name "${key}" is reserved`);
    }
    const operation = options.label ? `${options.label} (${operationOf(document)})` : operationOf(document);
    let transientFailures = 0;
    let secondaryHits = 0;
    for (;;) {
      await this.waitWhilePaused();
      const attempt: Attempt = { status: null, headers: {} };
      let verdict: Verdict;
      await this.semaphore.acquire();
      try {
        this.stats.requests++;
        const data = await this.gql<T & { rateLimit?: RateLimitInfo }>(document, {
          ...variables,
          request: { fetch: this.instrumentedFetch(attempt) },
        });
        this.noteRateLimit(attempt.headers, data?.rateLimit);
        this.stats.points += data?.rateLimit?.cost ?? 0;
        return data;
      } catch (error) {
        this.noteRateLimit(attempt.headers, undefined);
        const kept = this.keepPartialAnswer<T>(error, options);
        if (kept) {
          this.stats.points += kept.rateLimit?.cost ?? 0;
          return kept;
        }
        this.stats.failures++;
        verdict = this.classify(error, attempt, operation);
      } finally {
        this.semaphore.release();
      }

      switch (verdict.kind) {
        case "fatal":
          throw verdict.error;
        case "primary": {
          const resetAt = verdict.resetAtMs ?? this.stats.resetAt ?? this.now() + 60_000;
          this.pauseUntil(resetAt + 1000, "GitHub rate limit exhausted");
          break;
        }
        case "secondary": {
          secondaryHits++;
          if (secondaryHits > this.opts.maxAttempts) {
            throw new AppError(
              "UPSTREAM",
              `GitHub kept answering with a secondary rate limit (${operation})`,
            );
          }
          const wait =
            verdict.waitMs ??
            Math.max(this.opts.secondaryFallbackMs, this.opts.secondaryFallbackMs * 2 ** (secondaryHits - 1));
          this.log(`${verdict.reason}; retrying in ${Math.round(wait / 1000)} s`);
          this.stats.retries++;
          await this.wait(wait);
          break;
        }
        case "retry": {
          transientFailures++;
          if (transientFailures >= this.opts.maxAttempts) {
            throw new AppError(
              "UPSTREAM",
              `GitHub failed ${transientFailures} times in a row on ${operation}: ${verdict.reason}`,
            );
          }
          this.stats.retries++;
          const wait = Math.min(
            this.opts.maxRetryDelayMs,
            this.opts.retryBaseMs * 2 ** (transientFailures - 1),
          );
          this.log(
            `${operation}: ${verdict.reason}; retry ${transientFailures} in ${Math.round(wait / 1000)} s`,
          );
          await this.wait(wait);
          break;
        }
      }
    }
  }

  /**
   * An answer with data whose every error is either an aliased object that is gone (NOT_FOUND
   * where `nullable` allows) or a field the token may not read (when `onDenied` takes them).
   */
  private keepPartialAnswer<T>(
    error: unknown,
    options: QueryOptions,
  ): (T & { rateLimit?: RateLimitInfo }) | null {
    if (!(error instanceof GraphqlResponseError) || !error.data) return null;
    const errors = (error.errors ?? []) as GraphqlErrorEntry[];
    const typeOf = (e: GraphqlErrorEntry) => e.type ?? e.extensions?.type;
    const gone = (e: GraphqlErrorEntry) =>
      typeOf(e) === "NOT_FOUND" && e.path !== undefined && options.nullable?.(e.path) === true;
    const denied = (e: GraphqlErrorEntry) =>
      options.onDenied !== undefined && DENIED_TYPES.has(typeOf(e) ?? "") && e.path !== undefined;
    if (errors.length === 0 || !errors.every((e) => gone(e) || denied(e))) return null;
    const deniedErrors = errors.filter(denied).map((e) => ({ ...e, message: this.redact(e.message) }));
    if (deniedErrors.length > 0) options.onDenied!(deniedErrors);
    return error.data as T & { rateLimit?: RateLimitInfo };
  }

  private instrumentedFetch(attempt: Attempt): typeof fetch {
    return async (input, init) => {
      let res: Response;
      try {
        res = await this.fetchImpl(input, {
          ...init,
          signal: AbortSignal.timeout(this.opts.requestTimeoutMs),
        });
      } catch (err) {
        attempt.networkError = err;
        throw err;
      }
      this.reached = true;
      attempt.status = res.status;
      attempt.headers = Object.fromEntries(res.headers);
      return res;
    };
  }

  private async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.stats.waitedMs += ms;
    await this.sleep(ms);
  }

  private pauseUntil(untilMs: number, reason: string): void {
    if (untilMs <= this.pausedUntil) return;
    this.pausedUntil = untilMs;
    const at = new Date(untilMs).toISOString().replace(/\.\d{3}Z$/, "Z");
    const seconds = Math.max(0, Math.round((untilMs - this.now()) / 1000));
    this.log(
      `${reason} (${this.stats.remaining ?? 0} of ${this.stats.limit ?? "?"} points left); waiting until ${at} (${seconds} s)`,
    );
  }

  private async waitWhilePaused(): Promise<void> {
    // The last response said the budget is spent: wait for the reset instead of drawing a refusal.
    if (this.stats.remaining === 0 && this.stats.resetAt !== null && this.stats.resetAt > this.now()) {
      this.pauseUntil(this.stats.resetAt + 1000, "GitHub rate limit exhausted");
    }
    while (this.pausedUntil > this.now()) {
      await this.wait(this.pausedUntil - this.now());
    }
    if (this.stats.remaining === 0 && (this.stats.resetAt ?? 0) <= this.now()) this.stats.remaining = null;
  }

  private noteRateLimit(headers: Record<string, string>, body: RateLimitInfo | undefined): void {
    const num = (v: string | undefined) =>
      v !== undefined && v !== "" && Number.isFinite(Number(v)) ? Number(v) : null;
    const remaining = body?.remaining ?? num(headers["x-ratelimit-remaining"]);
    const limit = body?.limit ?? num(headers["x-ratelimit-limit"]);
    const resetSeconds = num(headers["x-ratelimit-reset"]);
    const resetAt = body?.resetAt
      ? Date.parse(body.resetAt)
      : resetSeconds !== null
        ? resetSeconds * 1000
        : null;
    if (remaining !== null) this.stats.remaining = remaining;
    if (limit !== null) this.stats.limit = limit;
    if (resetAt !== null && Number.isFinite(resetAt)) this.stats.resetAt = resetAt;
  }

  private classify(error: unknown, attempt: Attempt, operation: string): Verdict {
    const headers = attempt.headers;
    const resetHeader = Number(headers["x-ratelimit-reset"]);
    const resetAtMs = Number.isFinite(resetHeader) && resetHeader > 0 ? resetHeader * 1000 : null;

    if (error instanceof GraphqlResponseError) {
      const errors = (error.errors ?? []) as GraphqlErrorEntry[];
      return this.classifyGraphqlErrors(errors, operation, resetAtMs);
    }
    const err = error as { status?: number; name?: string; message?: string; response?: { data?: unknown } };
    if (err?.name === "AbortError" || err?.name === "TimeoutError") {
      return { kind: "retry", reason: "request timed out" };
    }
    if (attempt.networkError !== undefined && attempt.status === null) {
      const where = new URL(this.url);
      return classifyNetworkFailure(attempt.networkError, {
        endpoint: `${where.origin}${where.pathname}`,
        host: where.hostname,
        reached: this.reached,
        redact: (text) => this.redact(text),
      });
    }
    const status = typeof err?.status === "number" ? err.status : (attempt.status ?? 0);
    const body = err?.response?.data;
    const message = this.redact(
      (typeof body === "object" && body && "message" in body
        ? String((body as { message: unknown }).message)
        : "") || (typeof err?.message === "string" ? err.message.split("\n")[0]! : ""),
    );
    if (status === 403 || status === 429) {
      const retryAfter = Number(headers["retry-after"]);
      if (headers["retry-after"] !== undefined && Number.isFinite(retryAfter)) {
        return {
          kind: "secondary",
          waitMs: Math.max(1, retryAfter) * 1000,
          reason: "GitHub secondary rate limit",
        };
      }
      if (headers["x-ratelimit-remaining"] === "0") return { kind: "primary", resetAtMs };
      if (/secondary rate limit|abuse/i.test(message)) {
        return { kind: "secondary", waitMs: null, reason: "GitHub secondary rate limit" };
      }
      return {
        kind: "fatal",
        error: new AppError("UNAUTHORIZED", `GitHub refused access (${status}): ${oneLine(message)}`),
      };
    }
    if (status === 401) {
      return {
        kind: "fatal",
        error: new AppError(
          "UNAUTHORIZED",
          `GitHub rejected the token (401 ${oneLine(message) || "Bad credentials"}): check GITHUB_TOKEN`,
        ),
      };
    }
    if (status === 404) {
      return {
        kind: "fatal",
        error: new AppError(
          "NOT_FOUND",
          `no GitHub GraphQL API at ${this.url} (404): check GITHUB_GRAPHQL_URL`,
        ),
      };
    }
    if (TRANSIENT_STATUS.has(status) || status === 0) {
      // @octokit/request reports network failures (reset, refused) as status 500 too.
      return { kind: "retry", reason: status ? `HTTP ${status}` : oneLine(message) || "network error" };
    }
    return {
      kind: "fatal",
      error: new AppError(
        "UPSTREAM",
        `GitHub refused ${operation} (${status || "no response"}): ${oneLine(message)}`,
      ),
    };
  }

  private classifyGraphqlErrors(
    errors: GraphqlErrorEntry[],
    operation: string,
    resetAtMs: number | null,
  ): Verdict {
    const typeOf = (e: GraphqlErrorEntry) => e.type ?? e.extensions?.type;
    const first = errors[0];
    const message = this.redact(first?.message ?? "unknown GraphQL error");
    if (errors.some((e) => typeOf(e) === "RATE_LIMITED")) return { kind: "primary", resetAtMs };
    if (errors.some((e) => /secondary rate limit/i.test(e.message))) {
      return { kind: "secondary", waitMs: null, reason: "GitHub secondary rate limit" };
    }
    const notFound = errors.find((e) => typeOf(e) === "NOT_FOUND");
    if (notFound) {
      return {
        kind: "fatal",
        error: new AppError(
          "NOT_FOUND",
          `${oneLine(this.redact(notFound.message))} (or the token cannot see it)`,
        ),
      };
    }
    const forbidden = errors.find((e) => typeOf(e) === "FORBIDDEN" || typeOf(e) === "INSUFFICIENT_SCOPES");
    if (forbidden) {
      return {
        kind: "fatal",
        error: new AppError("UNAUTHORIZED", `GitHub refused: ${oneLine(this.redact(forbidden.message))}`),
      };
    }
    // Schema validation failures carry extensions.code (graphql-ruby): our query, or an older GHES schema.
    const invalid = errors.find((e) => typeof e.extensions?.code === "string" && !typeOf(e));
    if (invalid) {
      return {
        kind: "fatal",
        error: new AppError(
          "UPSTREAM",
          `GitHub rejected query ${operation}: ${oneLine(this.redact(invalid.message))}`,
        ),
      };
    }
    // "Something went wrong", resource limits, partial results: the data that came with them
    // is incomplete, so none of it is kept; the whole query is asked again.
    if (
      errors.every(
        (e) => /something went wrong/i.test(e.message) || TRANSIENT_TYPES.has(typeOf(e) ?? "") || !typeOf(e),
      )
    ) {
      return { kind: "retry", reason: oneLine(message) };
    }
    return {
      kind: "fatal",
      error: new AppError("UPSTREAM", `GitHub refused ${operation}: ${oneLine(message)}`),
    };
  }

  /** Belt and braces: no message we build may carry the token, whatever GitHub echoes. */
  private redact(text: string): string {
    // Real tokens are 40 characters or more; a few-letter test token would blank out every
    // occurrence of those letters and garble the message instead of protecting anything.
    return this.token.length >= 8 ? text.split(this.token).join("[token]") : text;
  }
}

/** The codes and messages along an error's cause chain: undici puts the socket's error in `cause`, TLS errors sometimes one level deeper, and a connect to several addresses in an AggregateError's `errors`. */
export function causeChain(error: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown, depth: number) => {
    if (!e || typeof e !== "object" || seen.has(e) || depth > 8) return;
    seen.add(e);
    const { code, message, cause, errors } = e as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === "string") codes.push(code);
    if (typeof message === "string" && message) messages.push(message);
    if (Array.isArray(errors)) for (const inner of errors) walk(inner, depth + 1);
    walk(cause, depth + 1);
  };
  walk(error, 0);
  return { codes, messages };
}

const TLS_CODE =
  /^(?:ERR_SSL_|ERR_TLS_|CERT_|EPROTO$|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;
const CERT_CODE = /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH$|ERR_TLS_CERT_)/;
/**
 * Nobody answered at this address. On a run's first request that is a wrong URL, a server that
 * is not running or no network at all, so it fails at once; later it may be a restart and is
 * retried. EAI_AGAIN (the resolver could not answer *now*) is in this group rather than with
 * ENOTFOUND: mid-run it is a resolver blip that heals, but before anything was ever reached it
 * almost always means a machine without DNS, where 90 s of retries only delay the same answer.
 */
const UNREACHABLE_CODE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/**
 * Sorts a failure before any HTTP answer into what heals (timeouts, resets, a refusal once the
 * server had answered) and what does not (TLS and certificates, DNS names that do not exist,
 * ports fetch refuses, a refusal before anything answered), which fails at once in one line.
 */
export function classifyNetworkFailure(
  error: unknown,
  at: { endpoint: string; host: string; reached: boolean; redact?: (text: string) => string },
): Verdict {
  const redact = at.redact ?? ((t: string) => t);
  const { codes, messages } = causeChain(error);
  const fatal = (message: string): Verdict => ({
    kind: "fatal",
    error: new AppError("UPSTREAM", oneLine(redact(message)), { cause: error }),
  });
  const name = (error as { name?: unknown })?.name;
  if (name === "TimeoutError" || name === "AbortError") return { kind: "retry", reason: "request timed out" };
  const tls = codes.find((c) => TLS_CODE.test(c));
  if (tls) {
    const hint =
      /WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(tls) ||
      messages.some((m) => /wrong version number/i.test(m))
        ? ": is it an http:// server?"
        : CERT_CODE.test(tls)
          ? ": its certificate is not trusted here (for a private CA, set NODE_EXTRA_CA_CERTS)"
          : "";
    return fatal(`TLS handshake with ${at.endpoint} failed (${tls})${hint}`);
  }
  if (codes.includes("ENOTFOUND")) {
    return fatal(`cannot reach ${at.endpoint}: ENOTFOUND (no DNS entry for ${at.host})`);
  }
  if (messages.includes("bad port")) {
    // fetch itself refuses some ports (the spec's "bad port" list); no retry can change that.
    return fatal(`cannot reach ${at.endpoint}: bad port (fetch refuses this port)`);
  }
  const unreachable = codes.find((c) => UNREACHABLE_CODE.has(c));
  if (unreachable && !at.reached) return fatal(`cannot reach ${at.endpoint}: ${unreachable}`);
  // An errno (ECONNRESET) says more than undici's wrapper code (UND_ERR_SOCKET) around it.
  const why =
    codes.find((c) => /^E[A-Z]+$/.test(c)) ??
    codes[0] ??
    messages.find((m) => m !== "fetch failed") ??
    "network error";
  return { kind: "retry", reason: `cannot reach ${at.endpoint}: ${oneLine(redact(why))}` };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
