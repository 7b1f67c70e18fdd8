import type { TRepositoryConfig } from "../../config/schema";
import type { Db } from "../../db/client";
import type { ProgressSink } from "../../progress";
import type { SyncResource } from "../../store/github-sync-state";
import type { GraphqlClient, RateLimitInfo } from "../client";

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
    private readonly progress: ProgressSink,
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

  async query<T>(resource: SyncResource, document: string, variables: Record<string, unknown>): Promise<T> {
    const stats = this.stats(resource);
    stats.requests++;
    const data = await this.client.query<T & { rateLimit?: RateLimitInfo }>(document, variables);
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
      unit: `items, ${s.requests} requests; ${c.points} points used, ${c.remaining ?? "?"} left`,
    });
  }
}

/** Runs fn over items with at most `limit` in flight, in order of start. */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    // After a failure no new item starts: the caller is about to report it and close the pool.
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const maxIso = (a: string | null, b: string | null): string | null =>
  a === null ? b : b === null ? a : Date.parse(a) >= Date.parse(b) ? a : b;
