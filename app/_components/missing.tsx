"use client";

import { useParams } from "next/navigation";
import { envHref, repoHref } from "./hrefs";
import { NotFoundState } from "./not-found-state";

type Params = { owner?: string; name?: string; env?: string; seq?: string; sha?: string; range?: string };

/** Next 16 hands params over percent-encoded; shown as the visitor typed them. */
function decode(value: string | undefined): string {
  if (value === undefined) return "";
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The body of each not-found.tsx: names what was not found from the address (a not-found
 * file gets no params of its own) and offers the nearest page that exists.
 */
export function Missing({ kind }: { kind: "repository" | "environment" | "event" | "commit" | "compare" }) {
  const p = useParams<Params>();
  const repo = `${decode(p.owner)}/${decode(p.name)}`;
  const env = decode(p.env);
  switch (kind) {
    case "repository":
      return (
        <NotFoundState
          title="Repository not found"
          message={`unknown repository "${repo}": it has not been imported (run lineage import-git or sync).`}
        />
      );
    case "environment":
      return (
        <NotFoundState
          title="Environment not found"
          message={`${repo} has no environment "${env}". Its environments are listed on the repository page.`}
          links={[{ href: repoHref(repo), label: `${repo}: its environments` }]}
        />
      );
    case "event":
      return (
        <NotFoundState
          title="Release not found"
          message={`${repo} ${env} has no event #${decode(p.seq)}.`}
          links={[{ href: envHref(repo, env), label: `The ${env} release history` }]}
        />
      );
    case "commit":
      return (
        <NotFoundState
          title="Commit not found"
          message={`unknown revision "${decode(p.sha)}" in ${repo}: not a known tag, branch, environment or commit.`}
          links={[{ href: repoHref(repo), label: repo }]}
        />
      );
    case "compare":
      return (
        <NotFoundState
          title="Revision not found"
          message={`${repo} cannot compare "${decode(p.range)}": one side is not a known tag, branch, environment or commit.`}
          links={[{ href: repoHref(repo), label: repo }]}
        />
      );
  }
}
