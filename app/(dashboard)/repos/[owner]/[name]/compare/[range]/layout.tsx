import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requestRepository, requestRevision } from "@/app/_components/request-reads";
import { requireFound } from "@/app/_components/require-found";
import { decodeSegment, parseRepoParams } from "@/app/_components/route-params";
import { isAppError } from "@/lib/errors";
import { splitRange } from "./range";

// A range that is not "a...b" or names an unknown revision answers 404 before the compare
// page's loading state streams; an ambiguous one is left to the page, which explains it.
export default async function CompareLayout({
  params,
  children,
}: {
  params: Promise<{ owner: string; name: string; range: string }>;
  children: ReactNode;
}) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const range = splitRange(decodeSegment(raw.range));
  if (!repo || !range) notFound();
  await requireFound(async () => {
    // The page reuses these reads (React cache).
    const repository = await requestRepository(repo);
    for (const rev of [range.a, range.b])
      await requestRevision(repository.id, rev).catch((err) => {
        if (isAppError(err) && err.code === "INVALID_ARGUMENT") return;
        throw err;
      });
  });
  return children;
}
