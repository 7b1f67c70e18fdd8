import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError } from "../errors";

vi.mock("server-only", () => ({}));
const withDb = vi.fn();
vi.mock("../db/app-db", () => ({ withDb: (fn: (db: unknown) => unknown) => withDb(fn) }));

const { apiRoute } = await import("./route");

const request = (url: string) => new Request(`http://localhost${url}`);
const context = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

/** A route whose handler answers, or throws, what the test gives it. */
function route(outcome: () => unknown) {
  withDb.mockImplementation(async (fn: (db: unknown) => unknown) => fn({}));
  return apiRoute({
    params: z.object({ owner: z.string().max(5, "owner is too long") }),
    query: z.strictObject({ n: z.string().regex(/^\d+$/, "n must be digits").optional() }),
    handler: async () => outcome(),
  });
}

async function call(handler: ReturnType<typeof route>, url = "/api/v1/x", params = { owner: "acme" }) {
  const res = await handler(request(url), context(params));
  return { status: res.status, headers: res.headers, body: await res.json() };
}

afterEach(() => {
  vi.restoreAllMocks();
  withDb.mockReset();
});

describe("apiRoute", () => {
  it("answers the handler's result as JSON that no cache keeps", async () => {
    const res = await call(route(() => ({ ok: [1, 2] })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: [1, 2] });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 422 INVALID_ARGUMENT naming the parameter and zod's issue, without calling the handler", async () => {
    const handler = vi.fn();
    const r = route(handler);
    const bad = await call(r, "/api/v1/x?n=abc");
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      error: { code: "INVALID_ARGUMENT", message: "query parameter n: n must be digits" },
    });
    expect(bad.headers.get("cache-control")).toBe("no-store");
    const unknown = await call(r, "/api/v1/x?m=1");
    expect(unknown.body.error.message).toBe('unknown query parameter "m"');
    const path = await call(r, "/api/v1/x", { owner: "toolong" });
    expect(path.status).toBe(422);
    expect(path.body.error.message).toBe("path parameter owner: owner is too long");
    expect(handler).not.toHaveBeenCalled();
  });

  it.each([
    ["NOT_FOUND", 404],
    ["INVALID_ARGUMENT", 422],
    ["CONFLICT", 409],
  ] as const)("answers an AppError %s with its status %i and its message", async (code, status) => {
    const res = await call(route(() => Promise.reject(new AppError(code, `unknown revision "x"`))));
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: 'unknown revision "x"' } });
  });

  it("answers 503 when the database cannot be reached, the details only in the server log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:5432"), { code: "ECONNREFUSED" });
    const res = await call(route(() => Promise.reject(refused)));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: {
        code: "DATABASE_UNAVAILABLE",
        message: "the database is unavailable (the server log has the details)",
      },
    });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]![0]).toMatch(
      /^lineage api: GET \/api\/v1\/x: database unavailable: .*10\.1\.2\.3/,
    );
  });

  it("answers 503 telling to migrate when the database has no tables yet", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const missing = Object.assign(new Error('relation "repository" does not exist'), { code: "42P01" });
    const res = await call(route(() => Promise.reject(missing)));
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe("the database has no Lineage tables yet: run `npx lineage migrate`");
  });

  it.each([
    ["an unexpected error", new TypeError("cannot read x of undefined at /srv/secret/path.ts:12 \u001b[2J")],
    [
      "a server-side config error",
      new AppError("INVALID_CONFIG", "environment variable DATABASE_URL: secret"),
    ],
    ["a non-Error throw", "secret string"],
  ])("answers %s with a generic 500 and one escaped log line", async (_, thrown) => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await call(
      route(() => Promise.reject(thrown)),
      "/api/v1/x%0a%1b[2Jforged",
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: "INTERNAL", message: "internal error (the server log has the details)" },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/secret/);
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toMatch(/secret/);
    expect(line.includes("\n") || line.includes("\u001b")).toBe(false);
  });

  it("answers 503 through the app's real database handle when DATABASE_URL names a closed port", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/none";
    const actual = await vi.importActual<typeof import("../db/app-db")>("../db/app-db");
    const handler = apiRoute({ handler: async ({ db }) => (await db.pool.query("SELECT 1")).rows });
    withDb.mockImplementation(actual.withDb);
    const res = await handler(request("/api/v1/repos"), { params: Promise.resolve({}) });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe("DATABASE_UNAVAILABLE");
  });
});
