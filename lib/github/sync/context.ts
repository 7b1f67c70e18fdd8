import type { TRepositoryConfig } from "../../config/schema";
import type { Db } from "../../db/client";
import { getSyncState, type SyncResource } from "../../store/github-sync-state";
import type { GraphqlClient, QueryOptions, RateLimitInfo } from "../client";
import type { SyncProgress } from "../progress";
import type { TypedDocumentString } from "../queries";
import { deniedWarning, type Permission, permissionOf, type SyncWarning } from "./permissions";

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
  /** Permissions the token turned out to lack in this run, and the one warning said for each. */
  readonly denied = new Set<Permission>();
  readonly warnings: SyncWarning[] = [];

  constructor(
    readonly db: Db,
    readonly client: GraphqlClient,
    readonly config: TRepositoryConfig,
    readonly repoId: number,
    readonly runId: number,
    private readonly progress: SyncProgress,
    private readonly log: (line: string) => void = () => {},
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

  /** Sends a generated document: the answer has the type codegen derived from GitHub's schema. */
  async query<R, V>(
    resource: SyncResource,
    document: TypedDocumentString<R, V>,
    variables: V,
    options?: QueryOptions,
  ): Promise<R> {
    const stats = this.stats(resource);
    stats.requests++;
    const data = await this.client.query<R & { rateLimit?: RateLimitInfo | null }>(
      document.toString(),
      variables as Record<string, unknown>,
      {
        ...options,
        label: `${this.repo} ${resource}`,
        // A token without some permission gets the rest of the page and null where it may not read.
        onDenied: (errors) => {
          for (const e of errors) this.deny(permissionOf(e, resource));
        },
      },
    );
    stats.points += data?.rateLimit?.cost ?? 0;
    this.tick(resource);
    return replaceNulCharacters(data);
  }

  /** Records that the token may not read what `permission` guards; the first time, says so once. */
  deny(permission: Permission): void {
    if (this.denied.has(permission)) return;
    this.denied.add(permission);
    const warning = deniedWarning(this.repo, permission);
    this.warnings.push(warning);
    this.log(`warning: ${warning.message}`);
  }

  isDenied(permission: Permission): boolean {
    return this.denied.has(permission);
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

interface NullableConnection<T> {
  nodes?: ReadonlyArray<T | null> | null;
}

/**
 * The nodes of a connection GitHub's schema lets be null, or hold nulls (a node the token may
 * not see, or one that failed to load): what is there, never a crash on what is not.
 */
export function nodesOf<T>(connection: NullableConnection<T> | null | undefined): T[] {
  return (connection?.nodes ?? []).filter((n): n is T => n !== null && n !== undefined);
}

interface Paged {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The cursor of the next page, or null when there is none (a missing connection has none either). */
export function nextCursor(connection: Paged | null | undefined): string | null {
  const page = connection?.pageInfo;
  return page?.hasNextPage && page.endCursor ? page.endCursor : null;
}

/** The last row per key: one page may name an object twice, and a multi-row upsert takes each once. */
export function uniqueBy<T>(rows: readonly T[], key: (row: T) => string | number): T[] {
  return [...new Map(rows.map((r) => [key(r), r] as const)).values()];
}

/**
 * PostgreSQL text cannot hold U+0000, which JSON (and so a PR title or commit message GitHub
 * serves) can: it becomes U+FFFD, so the row is written and the spot stays visible.
 */
export function replaceNulCharacters<T>(value: T): T {
  if (typeof value === "string")
    return (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value) as T;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceNulCharacters(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = replaceNulCharacters(record[key]);
  return value;
}
