import type { EnvironmentNow } from "@/lib/lineage/overview";
import { RelativeTime } from "./relative-time";
import { ShortSha } from "./short-sha";

export function EnvironmentRow({ environment, now }: { environment: EnvironmentNow; now: number }) {
  const { current } = environment;
  return (
    <li className="env" data-testid="environment-row" data-environment={environment.name}>
      <div className="env__name">
        <span className="env__title" data-testid="environment-name">
          {environment.name}
        </span>
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
                <span
                  className="badge badge--rollback"
                  data-testid="rollback-badge"
                  title="The latest event removed commits: this environment went back to older code"
                >
                  rollback
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
