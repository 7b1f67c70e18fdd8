import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requestEnvironment } from "@/app/_components/request-reads";
import { requireFound } from "@/app/_components/require-found";
import { decodeSegment, parseEnvParam, parseRepoParams } from "@/app/_components/route-params";

// An unknown environment answers 404 before the release history's loading state streams.
export default async function EnvironmentLayout({
  params,
  children,
}: {
  params: Promise<{ owner: string; name: string; env: string }>;
  children: ReactNode;
}) {
  const raw = await params;
  const repo = parseRepoParams(raw);
  const environment = parseEnvParam(decodeSegment(raw.env));
  if (!repo || !environment) notFound();
  await requireFound(() => requestEnvironment(repo, environment));
  return children;
}
