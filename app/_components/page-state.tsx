import type { PageData } from "@/lib/db/page-data";
import { DatabaseState } from "./database-state";
import { NotFoundState } from "./not-found-state";

export interface PageStateProps {
  /** A failed loadPageData result. */
  result: Exclude<PageData<unknown>, { ok: true }>;
  /** Heading of the not-found case: "Environment not found". */
  notFoundTitle?: string;
  /** Where to go when something was not found (besides the overview). */
  links?: { href: string; label: string }[];
}

/** The one branch every page has for "cannot show it": not found, or the database's state. */
export function PageState({ result, notFoundTitle = "Not found", links }: PageStateProps) {
  if (result.problem === "not-found")
    return <NotFoundState title={notFoundTitle} message={result.message} links={links} />;
  return <DatabaseState problem={result.problem} />;
}
