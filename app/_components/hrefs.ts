// Every dashboard link is built here: names come from the database (tags, branches, env
// names are the repository owner's text), so each path segment is encoded.

const seg = encodeURIComponent;

/** "owner/name" → "/repos/owner/name". */
export function repoHref(fullName: string): string {
  const [owner = "", name = ""] = fullName.split("/", 2);
  return `/repos/${seg(owner)}/${seg(name)}`;
}

export function envHref(fullName: string, env: string): string {
  return `${repoHref(fullName)}/envs/${seg(env)}`;
}

export function eventHref(fullName: string, env: string, seq: number): string {
  return `${envHref(fullName, env)}/events/${seq}`;
}

/** The compare page: `/repos/{owner}/{name}/compare/{a}...{b}` (each side a ref, SHA or env). */
export function compareHref(fullName: string, a: string, b: string): string {
  return `${repoHref(fullName)}/compare/${seg(a)}...${seg(b)}`;
}

/** The trace page, optionally with its query (`at`, `env`, …) already filled in. */
export function traceHref(fullName: string, query?: Record<string, string>): string {
  const qs = query ? new URLSearchParams(query).toString() : "";
  return `${repoHref(fullName)}/trace${qs ? `?${qs}` : ""}`;
}

export function searchHref(q: string): string {
  return `/search?q=${seg(q)}`;
}

/** A commit's lineage page; `sha` may be any revision the CLI accepts. */
export function commitHref(fullName: string, sha: string): string {
  return `${repoHref(fullName)}/commits/${seg(sha)}`;
}

export function syncHref(): string {
  return "/sync";
}

/** A repository's delivery metrics; `query` is a ready query string ("?env=prod…"). */
export function metricsHref(fullName: string, query = ""): string {
  return `${repoHref(fullName)}/metrics${query}`;
}

/** Delivery metrics of every repository. */
export function allMetricsHref(query = ""): string {
  return `/metrics${query}`;
}
