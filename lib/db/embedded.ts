// Embedded PostgreSQL: PGlite (PostgreSQL in WebAssembly) served over the wire protocol so
// that Prisma's pg adapter and raw SQL run unchanged. PGlite is single-process: the first
// process to open the data directory serves it and records its port in server.json; any
// other process connects to that port instead of opening the files a second time.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AppError, isAppError } from "../errors";
import { keepExtendedQueriesTogether } from "./socket-queue";

export interface EmbeddedHandle {
  url: string;
  /** True when this process opened the files and serves them. */
  owned: boolean;
  stop(): Promise<void>;
}

interface ServerInfo {
  pid: number;
  port: number;
}

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

export function embeddedUrl(port: number): string {
  return `postgresql://postgres@${HOST}:${port}/postgres`;
}

export interface OpenEmbeddedOptions {
  /** Runs (migrations) in the serving process before server.json tells others the port. */
  beforePublish?: (url: string) => Promise<unknown>;
}

/** Connects to the embedded server of `dataDir`, starting it in this process if nobody serves it. */
export async function openEmbedded(dataDir: string, opts: OpenEmbeddedOptions = {}): Promise<EmbeddedHandle> {
  mkdirSync(dataDir, { recursive: true });
  const infoFile = path.join(dataDir, "server.json");
  const lockFile = path.join(dataDir, "server.lock");
  const deadline = Date.now() + START_TIMEOUT_MS;

  while (Date.now() < deadline) {
    const info = readJson<ServerInfo>(infoFile);
    if (info && isAlive(info.pid) && (await canConnect(info.port))) {
      return { url: embeddedUrl(info.port), owned: false, stop: async () => {} };
    }
    let fd: number;
    try {
      fd = openSync(lockFile, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number.parseInt(readFileSync(lockFile, "utf8") || "0", 10);
      if (holder && !isAlive(holder)) {
        // A process that died without cleaning up (kill -9): its lock is stale.
        removeQuietly(lockFile);
        removeQuietly(infoFile);
      } else {
        await sleep(100);
      }
      continue;
    }
    writeFileSync(fd, String(process.pid));
    closeSync(fd);
    try {
      return await serve(dataDir, infoFile, lockFile, opts);
    } catch (err) {
      removeQuietly(lockFile);
      if (isAppError(err)) throw err;
      throw new AppError(
        "DATABASE_UNAVAILABLE",
        `cannot open the embedded database in ${dataDir}: ${(err as Error).message}`,
      );
    }
  }
  throw new AppError("DATABASE_UNAVAILABLE", `timed out waiting for the embedded database in ${dataDir}`);
}

const LINGER_GRACE_MS = 300;

/**
 * Holds the server open while other processes still use it. A short command that happened
 * to start the server (an `events`, a `migrate`) used to stop it on exit under the feet of
 * a long one started at the same time ("Connection terminated unexpectedly"). It stays
 * published while anyone is connected; once nobody is, it unpublishes and waits a moment
 * for a process that read server.json just before, re-publishing if one connects.
 */
async function waitForOtherClients(server: { getStats(): { activeConnections: number } }, infoFile: string) {
  const published = existsSync(infoFile) ? readFileSync(infoFile, "utf8") : undefined;
  for (;;) {
    while (server.getStats().activeConnections > 0) await sleep(50);
    if (published === undefined) return;
    if (readJson<ServerInfo>(infoFile)?.pid === process.pid) removeQuietly(infoFile);
    await sleep(LINGER_GRACE_MS);
    if (server.getStats().activeConnections === 0) return;
    writeFileSync(infoFile, published);
  }
}

/**
 * Creates the data files of a new data directory. initdb writes hundreds of files; a
 * process killed halfway left a pgdata that PGlite could never open again. So they are
 * made under another name and renamed into place once complete (a rename is atomic).
 */
async function initDataFiles(dataDir: string, pgdata: string): Promise<void> {
  if (existsSync(path.join(pgdata, "PG_VERSION"))) return;
  const { PGlite } = await import("@electric-sql/pglite");
  // We hold the lock: any half-made directory is a killed process's leftover.
  for (const entry of readdirSync(dataDir)) {
    if (entry.startsWith("pgdata.init-")) rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
  if (existsSync(pgdata)) {
    // Made by an older version that initialised in place and was killed: it holds no data.
    rmSync(pgdata, { recursive: true, force: true });
  }
  const staging = path.join(dataDir, `pgdata.init-${process.pid}`);
  const db = await PGlite.create(staging);
  await db.close();
  renameSync(staging, pgdata);
}

async function serve(
  dataDir: string,
  infoFile: string,
  lockFile: string,
  opts: OpenEmbeddedOptions,
): Promise<EmbeddedHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const pgdata = path.join(dataDir, "pgdata");
  await initDataFiles(dataDir, pgdata);
  const db = await PGlite.create(pgdata);
  // maxConnections > 1: a pg.Pool with several connections is otherwise cut off.
  const server = new PGLiteSocketServer({ db, host: HOST, port: 0, maxConnections: 16 });
  keepExtendedQueriesTogether(server);
  await server.start();
  const address = (server as unknown as { server: net.Server }).server.address();
  if (!address || typeof address === "string") throw new Error("socket server has no TCP address");
  try {
    await opts.beforePublish?.(embeddedUrl(address.port));
  } catch (err) {
    await server.stop().catch(() => {});
    await db.close().catch(() => {});
    throw err;
  }
  const tmp = `${infoFile}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ pid: process.pid, port: address.port } satisfies ServerInfo));
  renameSync(tmp, infoFile);

  let stopped = false;
  const cleanupFiles = () => {
    if (readJson<ServerInfo>(infoFile)?.pid === process.pid) removeQuietly(infoFile);
    if (existsSync(lockFile) && readFileSync(lockFile, "utf8") === String(process.pid))
      removeQuietly(lockFile);
  };
  process.once("exit", cleanupFiles);
  return {
    url: embeddedUrl(address.port),
    owned: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await waitForOtherClients(server, infoFile);
      await server.stop();
      await db.close();
      cleanupFiles();
      process.removeListener("exit", cleanupFiles);
    },
  };
}
