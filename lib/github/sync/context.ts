import type { TRepositoryConfig } from "../../config/schema";
import type { Db } from "../../db/client";
import { getSyncState, type SyncResource } from "../../store/github-sync-state";
import type { GraphqlClient, QueryOptions, RateLimitInfo } from "../client";
import type { SyncProgress } from "../progress";

export interface ResourceStats {
  requests: number;
  points: number;
  /** Objects written (commits, PRs, suites, runs, …). */
  items: number;
}

/** One repository's sync: where it writes, whom it asks, and what it has counted so far. */
export class RepoSyncContext {
  readonly owner: string;
  readonly name: string;
  readonly resources = {} as Record<SyncResource, ResourceStats>;

  constructor(
    readonly db: Db,
    readonly client: GraphqlClient,
    readonly config: TRepositoryConfig,
    readonly repoId: number,
    readonly runId: number,
    private readonly progress: SyncProgress,
  ) {
    const [owner, name] = config.repo.split("/") as [string, string];
    this.owner = owner;
    this.name = name;
  }

  get repo(): string {
    return this.config.repo;
  }

  get repoVariables(): { owner: string; name: string } {
    return { owner: this.owner, name: this.name };
  }

  private stats(resource: SyncResource): ResourceStats {
    this.resources[resource] ??= { requests: 0, points: 0, items: 0 };
    return this.resources[resource];
  }

  async query<T>(
    resource: SyncResource,
    document: string,
    variables: Record<string, unknown>,
    options?: QueryOptions,
  ): Promise<T> {
    const stats = this.stats(resource);
    stats.requests++;
    const data = await this.client.query<T & { rateLimit?: RateLimitInfo }>(document, variables, {
      ...options,
      label: `${this.repo} ${resource}`,
    });
    stats.points += data?.rateLimit?.cost ?? 0;
    this.tick(resource);
    return data;
  }

  wrote(resource: SyncResource, items: number): void {
    this.stats(resource).items += items;
    this.tick(resource);
  }

  private tick(resource: SyncResource): void {
    const s = this.stats(resource);
    const c = this.client.stats;
    this.progress({
      phase: `${this.repo} ${resource.replace(/_/g, " ")}`,
      done: s.items,
      unit: "items",
      repo: this.repo,
      resource,
      points: c.points,
      remaining: c.remaining,
    });
  }
}

/**
 * Runs fn over items with at most `limit` in flight. After a failure no new item starts, and
 * the first error is thrown once the ones in flight have finished: nothing keeps writing after
 * the caller has reported the failure and closed the pool.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const maxIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;

interface PassState {
  passMax: string | null;
}

/**
 * Where a newest-first pass starts: the previous pass's high-water mark, the page a killed pass
 * stopped at, and the newest time that pass had seen. `full` starts over from the first page.
 */
export async function resumePass(
  ctx: RepoSyncContext,
  resource: SyncResource,
  full: boolean,
): Promise<{ mark: Date | null; cursor: string | null; passMax: string | null }> {
  if (full) return { mark: null, cursor: null, passMax: null };
  const saved = await getSyncState<PassState>(ctx.db.pool, ctx.repoId, resource);
  return { mark: saved.highWaterMark, cursor: saved.cursor, passMax: saved.state?.passMax ?? null };
}

/** The checkpoint written with a pass's page: the next page to read, or the new high-water mark once done. */
export function passCheckpoint(
  mark: Date | null,
  passMax: string | null,
  done: boolean,
  endCursor: string | null,
) {
  return done
    ? { highWaterMark: passMax ?? mark, cursor: null, state: null }
    : { highWaterMark: mark, cursor: endCursor, state: { passMax } satisfies PassState };
}

/** NOT_FOUND on one of a batch's aliased nodes (`s3`, `w0`, `r12`) or objects (`repository.c5`) means it is gone. */
export const ALIASES_MAY_BE_GONE = {
  nullable: (path: readonly (string | number)[]) =>
    (path.length >= 1 && /^[srw]\d+$/.test(String(path[0]))) ||
    (path.length >= 2 && path[0] === "repository" && /^c\d+$/.test(String(path[1]))),
};
