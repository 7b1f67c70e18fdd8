import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireFound } from "@/app/_components/require-found";
import { parseRepoParams } from "@/app/_components/route-params";
import { getRepositoryOrThrow } from "@/lib/lineage/repositories";

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
  await requireFound((db) => getRepositoryOrThrow(db, repo));
  return children;
}
