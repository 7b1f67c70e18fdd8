"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { repoHref } from "./hrefs";

export interface RepoSwitcherProps {
  /** Stored repositories, "owner/name". */
  repositories: string[];
}

function currentRepository(pathname: string, repositories: string[]): string | undefined {
  const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(pathname);
  if (!match) return undefined;
  let name: string;
  try {
    name = `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`;
  } catch {
    return undefined;
  }
  return repositories.find((r) => r.toLowerCase() === name.toLowerCase());
}

/** A disclosure of links (keyboard and no-JS friendly) to every stored repository; names the current one. */
export function RepoSwitcher({ repositories }: RepoSwitcherProps) {
  const current = currentRepository(usePathname() ?? "", repositories);
  return (
    <details className="repo-switcher" data-testid="repo-switcher">
      <summary>
        <span className="visually-hidden">Repository: </span>
        <span className="repo-switcher__current">{current ?? "Repositories"}</span>
        <span aria-hidden="true"> ▾</span>
      </summary>
      <ul>
        {repositories.length === 0 ? <li className="muted">None imported yet</li> : null}
        {repositories.map((repo) => (
          <li key={repo}>
            <Link href={repoHref(repo)} aria-current={repo === current ? "page" : undefined}>
              {repo}
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}
