import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requestReleaseEvent } from "@/app/_components/request-reads";
import { requireFound } from "@/app/_components/require-found";
import { decodeSegment, parseEnvParam, parseRepoParams, parseSeqParam } from "@/app/_components/route-params";

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
  // The page reuses this read (React cache): the event is read once per request.
  await requireFound(() => requestReleaseEvent(repo, environment, seq));
  return children;
}
