import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requestRepository, requestRevision } from "@/app/_components/request-reads";
import { requireFound } from "@/app/_components/require-found";
import { decodeSegment, parseRepoParams } from "@/app/_components/route-params";
import { isAppError } from "@/lib/errors";

// An unknown revision answers 404 before the commit page's loading state streams; an
// ambiguous one is left to the page, which explains it.
export default async function CommitLayout({
  params,
  children,
}: {
  params: Promise<{ owner: string; name: string; sha: string }>;
  children: ReactNode;
}) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  if (!repo) notFound();
  const revision = decodeSegment(raw.sha);
  await requireFound(async () => {
    const repository = await requestRepository(repo);
    await requestRevision(repository.id, revision).catch((err) => {
      if (isAppError(err) && err.code === "INVALID_ARGUMENT") return;
      throw err;
    });
  });
  return children;
}
