import "server-only";
import { notFound } from "next/navigation";
import type { Db } from "@/lib/db/client";
import { loadPageData } from "@/lib/db/page-data";

/**
 * For a route's layout: answers a real 404 when `read` throws NOT_FOUND. A layout renders
 * before its segment's loading boundary starts streaming, so the status can still change
 * there; a page under loading.tsx can only show a message with 200. A database that cannot
 * answer is left to the page, which shows the shared database state.
 */
export async function requireFound(read: (db: Db) => Promise<unknown>): Promise<void> {
  const result = await loadPageData(read);
  if (!result.ok && result.problem === "not-found") notFound();
}
