import pg from "pg";
import { getEnv } from "../env";
import type { PrismaClient } from "../generated/prisma/client";
import { type EmbeddedHandle, openEmbedded } from "./embedded";
import { migrateDatabase } from "./migrate";

export type DbMode = "server" | "embedded";

export interface Db {
  mode: DbMode;
  url: string;
  /** One pool serves both Prisma and the raw SQL of the graph and bulk-write paths. */
  pool: pg.Pool;
  /**
   * Prisma over the same pool, created on first use: loading Prisma's runtime cost every CLI
   * start about 0.1 s, and the queries so far are raw SQL on `pool`.
   */
  getPrisma(): Promise<PrismaClient>;
  close(): Promise<void>;
}

// Timestamps come back as Date objects and BIGINT counts as numbers that fit in JS.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

/**
 * Opens the configured database: DATABASE_URL when set, else the embedded PostgreSQL in
 * the data directory. `migrate` applies pending migrations first; the embedded default
 * does, so a newcomer never runs a migration by hand. The process that starts the
 * embedded server migrates before it tells others the port, so no other process ever
 * sees a database that is still being migrated.
 */
export async function openDatabase(
  opts: { url?: string; dataDir?: string; migrate?: boolean; repair?: boolean; poolSize?: number } = {},
): Promise<Db> {
  const env = getEnv();
  const url = opts.url ?? env.DATABASE_URL;
  let embedded: EmbeddedHandle | undefined;
  let connectionString: string;
  const migrate = opts.migrate ?? !url;
  if (url) {
    connectionString = url;
  } else {
    embedded = await openEmbedded(opts.dataDir ?? env.dataDir, {
      beforePublish: migrate ? (serverUrl) => migrateDatabase(serverUrl, opts) : undefined,
    });
    connectionString = embedded.url;
  }
  // A process that connects to someone else's embedded server migrates too (under the
  // migration lock, finding nothing to do): that server may be the dashboard, which never migrates.
  if (migrate && !embedded?.owned) {
    try {
      await migrateDatabase(connectionString, opts);
    } catch (err) {
      await embedded?.stop();
      throw err;
    }
  }
  const pool = new pg.Pool({ connectionString, max: opts.poolSize ?? 4 });
  pool.on("error", () => {
    // An idle client lost its connection (server restarted); the pool replaces it.
  });
  pool.on("connect", (client) => {
    // A checked-out client whose connection drops emits "error" as well as failing its
    // query; the failed query carries the message, so the event must not crash the process.
    client.on("error", () => {});
  });
  let prisma: Promise<PrismaClient> | undefined;
  return {
    mode: embedded ? "embedded" : "server",
    url: connectionString,
    pool,
    getPrisma() {
      prisma ??= Promise.all([import("../generated/prisma/client"), import("@prisma/adapter-pg")]).then(
        ([{ PrismaClient }, { PrismaPg }]) => new PrismaClient({ adapter: new PrismaPg(pool) }),
      );
      return prisma;
    },
    async close() {
      if (prisma) await (await prisma).$disconnect();
      await pool.end();
      await embedded?.stop();
    },
  };
}
