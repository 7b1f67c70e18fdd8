import "server-only";
import { cache } from "react";
import { withDb } from "@/lib/db/app-db";
import { getEnvironmentOrThrow } from "@/lib/lineage/events-query";
import { getReleaseEvent } from "@/lib/lineage/release";
import { getRepositoryOrThrow } from "@/lib/lineage/repositories";
import { resolveRevisionOrEnvironment } from "@/lib/lineage/resolve";

// Reads that a route's layouts and its page both need, memoised for one request with React's
// cache(): the layout checks that the repository / environment / event exists (for a real
// 404) and the page reuses that answer instead of asking the database again. Arguments are
// strings and numbers, so equal calls share one promise; a NOT_FOUND rejection is shared too.

/** getRepositoryOrThrow, once per request and name. */
export const requestRepository = cache((repo: string) => withDb((db) => getRepositoryOrThrow(db, repo)));

/** getEnvironmentOrThrow, once per request. */
export const requestEnvironment = cache((repo: string, environment: string) =>
  withDb((db) => getEnvironmentOrThrow(db, { repo, environment })),
);

/** resolveRevisionOrEnvironment (a revision, or env:NAME / an environment's name), once per request. */
export const requestRevision = cache((repoId: number, revision: string) =>
  withDb((db) => resolveRevisionOrEnvironment(db, repoId, revision)),
);

/** getReleaseEvent (the event, its neighbours, the previous counted one), once per request. */
export const requestReleaseEvent = cache((repo: string, environment: string, seq: number) =>
  withDb((db) => getReleaseEvent(db, { repo, environment, seq })),
);
