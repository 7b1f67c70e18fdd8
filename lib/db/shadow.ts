import type net from "node:net";
import { embeddedUrl } from "./embedded";
import { keepExtendedQueriesTogether } from "./socket-queue";

/** A throwaway in-memory PostgreSQL (PGlite) for the schema engine's shadow work. */
export async function withShadowDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  keepExtendedQueriesTogether(server);
  await server.start();
  try {
    const address = (server as unknown as { server: net.Server }).server.address() as net.AddressInfo;
    return await fn(embeddedUrl(address.port));
  } finally {
    await server.stop();
    await db.close();
  }
}
