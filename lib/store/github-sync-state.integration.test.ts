import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../db/testing/test-db";
import { finishSyncRun, SYNC_STALE_MS, startSyncRun } from "./github-sync-state";

let db: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const here = (alive: number[]) => ({
  pid: 1000,
  hostname: "host-a",
  isAlive: (pid: number) => alive.includes(pid),
});

async function runRow(values: { pid: number; hostname: string; heartbeatAgoMs: number }) {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO github_sync_run (status, repos, endpoint, pid, hostname, heartbeat_at)
     VALUES ('running', '{acme/shop}', 'x', $1, $2, now() - make_interval(secs => $3)) RETURNING id`,
    [values.pid, values.hostname, values.heartbeatAgoMs / 1000],
  );
  return rows[0]!.id;
}

const statusOf = async (id: number) =>
  (await db.pool.query("SELECT status FROM github_sync_run WHERE id = $1", [id])).rows[0]?.status;

describe("startSyncRun", () => {
  it("marks 'running' rows interrupted when their process on this host is gone or their heartbeat is stale, and only those", async () => {
    const deadHere = await runRow({ pid: 41, hostname: "host-a", heartbeatAgoMs: 1000 });
    const aliveHere = await runRow({ pid: 42, hostname: "host-a", heartbeatAgoMs: 1000 });
    const freshElsewhere = await runRow({ pid: 41, hostname: "host-b", heartbeatAgoMs: 1000 });
    const staleElsewhere = await runRow({
      pid: 43,
      hostname: "host-b",
      heartbeatAgoMs: SYNC_STALE_MS + 60_000,
    });
    const { id, interrupted } = await startSyncRun(db.pool, ["acme/shop"], "x", here([42]));
    expect(interrupted).toEqual([deadHere, staleElsewhere]);
    expect(await statusOf(deadHere)).toBe("interrupted");
    expect(await statusOf(staleElsewhere)).toBe("interrupted");
    expect(await statusOf(aliveHere)).toBe("running");
    expect(await statusOf(freshElsewhere)).toBe("running");
    expect(await statusOf(id)).toBe("running");
    // A run marked by mistake (stalled, not dead) that finishes after all keeps its real outcome.
    await finishSyncRun(db.pool, staleElsewhere, {
      status: "ok",
      requests: 1,
      points: 1,
      items: 0,
      errors: 0,
      message: null,
      details: {},
    });
    expect(await statusOf(staleElsewhere)).toBe("ok");
  });
});
