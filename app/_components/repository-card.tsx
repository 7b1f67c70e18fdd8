import Link from "next/link";
import type { RepositoryOverview } from "@/lib/lineage/overview";
import { EnvironmentRow } from "./environment-row";
import { repoHref } from "./hrefs";
import { RelativeTime } from "./relative-time";

export function RepositoryCard({ repository, now }: { repository: RepositoryOverview; now: number }) {
  return (
    <section
      className="card"
      data-testid="repository-card"
      data-repo={repository.fullName}
      aria-labelledby={`repo-${repository.fullName}`}
    >
      <header className="card__header">
        <h2 className="card__title" id={`repo-${repository.fullName}`} data-testid="repository-name">
          <Link href={repoHref(repository.fullName)}>{repository.fullName}</Link>
        </h2>
        <p className="card__meta">
          {repository.commitCount.toLocaleString("en")} commits
          {repository.importedAt ? (
            <>
              {" · imported "}
              <RelativeTime iso={repository.importedAt} now={now} />
            </>
          ) : null}
        </p>
      </header>
      {repository.environments.length === 0 ? (
        <p className="card__empty">No environments configured for this repository.</p>
      ) : (
        <ol className="envs" aria-label={`Environments of ${repository.fullName}, in promotion order`}>
          {repository.environments.map((environment) => (
            <EnvironmentRow
              key={environment.name}
              repository={repository.fullName}
              environment={environment}
              now={now}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
