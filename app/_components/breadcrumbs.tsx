import Link from "next/link";

export interface Crumb {
  label: string;
  /** Omitted for the current page (the last crumb). */
  href?: string;
  /** Shown before the label, muted: "env", "release". */
  kind?: string;
}

export interface BreadcrumbsProps {
  trail: Crumb[];
}

/** `repo › env › release`: where this page sits. The last crumb is the current page. */
export function Breadcrumbs({ trail }: BreadcrumbsProps) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs" data-testid="breadcrumbs">
      <ol>
        {trail.map((crumb, i) => {
          const last = i === trail.length - 1;
          const body = (
            <>
              {crumb.kind ? <span className="breadcrumbs__kind">{crumb.kind}</span> : null}
              {crumb.label}
            </>
          );
          return (
            <li key={`${crumb.kind ?? ""}:${crumb.label}`}>
              {crumb.href && !last ? (
                <Link href={crumb.href}>{body}</Link>
              ) : (
                <span aria-current={last ? "page" : undefined}>{body}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
