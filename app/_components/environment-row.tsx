import Link from "next/link";
import type { EnvironmentNow } from "@/lib/lineage/overview";
import { envHref } from "./hrefs";
import { RelativeTime } from "./relative-time";
import { ShortSha } from "./short-sha";
import { StatusBadge } from "./status-badge";

export function EnvironmentRow({
  repository,
  environment,
  now,
}: {
  repository: string;
  environment: EnvironmentNow;
  now: number;
}) {
  const { current } = environment;
  return (
    <li className="env" data-testid="environment-row" data-environment={environment.name}>
      <div className="env__name">
        <Link
          className="env__title"
          data-testid="environment-name"
          href={envHref(repository, environment.name)}
        >
          {environment.name}
        </Link>
        <span className="env__source">
          {environment.source} <code>{environment.pattern}</code>
        </span>
      </div>
      {current ? (
        <>
          <div className="env__what">
            <div className="env__ref-line">
              <code className="ref" data-testid="ref">
                {current.ref}
              </code>
              <ShortSha sha={current.sha} />
              {current.rollback ? (
                <span data-testid="rollback-badge">
                  <StatusBadge
                    status="rollback"
                    title={
                      current.pureRollback
                        ? "The latest event redeployed an older release: this environment went back to older code"
                        : "The latest event dropped changes it ran before (not merely cherry-picked or rebased ones)"
                    }
                  />
                  {current.pureRollback ? <span className="small"> to an older release</span> : null}
                </span>
              ) : null}
            </div>
            <p className="env__headline" data-testid="headline" title={current.headline}>
              {current.headline}
            </p>
          </div>
          <div className="env__when">
            <RelativeTime iso={current.at} now={now} />
            <span className="env__actor" data-testid="actor">
              {current.actor ?? "unknown"}
            </span>
          </div>
          <div className="env__count" data-testid="event-count">
            <strong>{environment.eventCount.toLocaleString("en")}</strong>{" "}
            {environment.eventCount === 1 ? "event" : "events"}
          </div>
        </>
      ) : (
        <p className="env__empty" data-testid="no-events">
          No promotion events yet
          {environment.eventCount > 0 ? ` (${environment.eventCount} that did not count)` : ""}.
        </p>
      )}
    </li>
  );
}
