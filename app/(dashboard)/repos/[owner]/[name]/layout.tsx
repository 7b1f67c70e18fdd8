import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requestRepository } from "@/app/_components/request-reads";
import { requireFound } from "@/app/_components/require-found";
import { parseRepoParams } from "@/app/_components/route-params";

// Above every loading boundary of the repository's pages: an unknown repository is a real 404.
export default async function RepositoryLayout({
  params,
  children,
}: {
  params: Promise<{ owner: string; name: string }>;
  children: ReactNode;
}) {
  const repo = parseRepoParams(await params);
  if (!repo) notFound();
  await requireFound(() => requestRepository(repo));
  return children;
}
