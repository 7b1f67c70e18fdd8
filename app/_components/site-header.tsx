import Link from "next/link";
import { connection } from "next/server";
import { Suspense } from "react";
import { withDb } from "@/lib/db/app-db";
import { findRepositoryNames } from "@/lib/lineage/repositories";
import { RepoSwitcher } from "./repo-switcher";
import { SearchBox } from "./search-box";

/** The switcher with the stored repositories; none when the database cannot answer (the page says why). */
async function StoredRepoSwitcher() {
  // Per request, never at build time (the build has no database to read).
  await connection();
  let repositories: string[] = [];
  try {
    repositories = await withDb(findRepositoryNames);
  } catch {
    repositories = [];
  }
  return <RepoSwitcher repositories={repositories} />;
}

/** The header on every page: product name (home), repository switcher, search (`/`). */
export function SiteHeader() {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◆
          </span>
          Lineage
        </Link>
        <Suspense fallback={<RepoSwitcher repositories={[]} />}>
          <StoredRepoSwitcher />
        </Suspense>
        <SearchBox />
        <Link href="/metrics" className="site-header__link">
          Metrics
        </Link>
        <Link href="/sync" className="site-header__link">
          Sync
        </Link>
      </div>
    </header>
  );
}
