import Link from "next/link";

export interface NotFoundStateProps {
  /** What was not found, as a heading: "Environment not found". */
  title: string;
  /** One sentence naming it and, when known, what exists instead. */
  message: string;
  /** Where to go instead; the overview is always offered. */
  links?: { href: string; label: string }[];
}

/** A 404 that names what was not found and where to go. */
export function NotFoundState({ title, message, links = [] }: NotFoundStateProps) {
  return (
    <section className="empty" data-testid="not-found">
      {/* React hoists this into <head>: a missing thing is not a page to index. */}
      <meta name="robots" content="noindex" />
      <h2>{title}</h2>
      <p data-testid="not-found-message">{message}</p>
      <ul className="link-list">
        {links.map((link) => (
          <li key={link.href}>
            <Link href={link.href}>{link.label}</Link>
          </li>
        ))}
        <li>
          <Link href="/">All repositories and what they run</Link>
        </li>
      </ul>
    </section>
  );
}
