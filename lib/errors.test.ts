import { describe, expect, it } from "vitest";
import { AppError, toAppError } from "./errors";

const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe("toAppError", () => {
  it.each([
    [pgError("connect ECONNREFUSED 127.0.0.1:5999", "ECONNREFUSED")],
    [pgError("getaddrinfo ENOTFOUND db.internal", "ENOTFOUND")],
    [pgError('database "nope" does not exist', "3D000")],
    [pgError('role "nouser" does not exist', "28000")],
    [pgError("terminating connection due to administrator command", "57P01")],
    [pgError("Connection terminated unexpectedly")],
    [pgError("Client has encountered a connection error and is not queryable")],
  ])("calls %s a database that is unavailable (exit 3)", (err) => {
    const app = toAppError(err);
    expect(app.code).toBe("DATABASE_UNAVAILABLE");
    expect(app.exitCode).toBe(3);
    expect(app.message).toMatch(/^database unavailable: /);
  });

  it("tells to migrate a database without Lineage's tables", () => {
    const app = toAppError(pgError('relation "repository" does not exist', "42P01"));
    expect(app.code).toBe("DATABASE_UNAVAILABLE");
    expect(app.message).toMatch(/run `npx lineage migrate`/);
  });

  it("keeps an AppError and calls anything else internal, on one line", () => {
    const mine = new AppError("NOT_FOUND", "unknown revision");
    expect(toAppError(mine)).toBe(mine);
    const app = toAppError(new Error("boom\n    at somewhere"));
    expect(app.code).toBe("INTERNAL");
    expect(app.message).toBe("internal error: boom");
  });
});
