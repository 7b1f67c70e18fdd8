import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requireFound } from "@/app/_components/require-found";
import { decodeSegment, parseEnvParam, parseRepoParams, parseSeqParam } from "@/app/_components/route-params";
import { getRelease } from "@/lib/lineage/release";

// An unknown event number answers 404 before the release page's loading state streams.
export default async function ReleaseLayout({
  params,
  children,
}: {
  params: Promise<{ owner: string; name: string; env: string; seq: string }>;
  children: ReactNode;
}) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const environment = parseEnvParam(decodeSegment(raw.env));
  const seq = parseSeqParam(raw.seq);
  if (!repo || !environment || seq === null) notFound();
  // perPage 1: only whether the event exists matters here.
  await requireFound((db) => getRelease(db, { repo, environment, seq, perPage: 1 }));
  return children;
}
