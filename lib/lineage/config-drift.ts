import { sourceOf, type TLineageConfig } from "../config/schema";
import type { Db } from "../db/client";
import { AppError } from "../errors";

/**
 * How the environments stored for a repository differ from the config's, one phrase each;
 * empty when they agree (same names, order and sources) or nothing is stored yet.
 */
export async function findEnvironmentDrift(
  db: Pick<Db, "pool">,
  { repo, config }: { repo: string; config: TLineageConfig },
): Promise<string[]> {
  const configured = config.repositories.find((r) => r.repo.toLowerCase() === repo.toLowerCase());
  const { rows: stored } = await db.pool.query<{
    name: string;
    position: number;
    kind: string;
    pattern: string;
  }>(
    `SELECT e.name, e.position, e.source_kind AS kind, e.pattern FROM environment e
     JOIN repository r ON r.id = e.repo_id WHERE lower(r.full_name) = lower($1) ORDER BY e.position`,
    [repo],
  );
  if (!configured || stored.length === 0) return [];
  const drift: string[] = [];
  const sourceText = (kind: string, pattern: string) => `${kind} ${JSON.stringify(pattern)}`;
  for (const [position, env] of configured.environments.entries()) {
    const { kind, pattern } = sourceOf(env.source);
    const have = stored.find((s) => s.name === env.name);
    if (!have) drift.push(`${env.name} is configured but not computed`);
    else if (have.kind !== kind || have.pattern !== pattern)
      drift.push(
        `${env.name} was computed from ${sourceText(have.kind, have.pattern)}, configured as ${sourceText(kind, pattern)}`,
      );
    else if (have.position !== position) drift.push(`${env.name} moved in the promotion order`);
  }
  for (const s of stored) {
    if (!configured.environments.some((e) => e.name === s.name))
      drift.push(`${s.name} is stored but no longer configured`);
  }
  return drift;
}

/**
 * Readers answer from the config they are given: when the stored environments were computed
 * from another definition, say so (and how to apply the config) rather than answer from it.
 */
export async function assertEnvironmentsMatchConfig(
  db: Pick<Db, "pool">,
  { repo, config }: { repo: string; config: TLineageConfig & { file: string } },
): Promise<void> {
  const drift = await findEnvironmentDrift(db, { repo, config });
  if (drift.length === 0) return;
  throw new AppError(
    "INVALID_CONFIG",
    `${repo}: the stored environments differ from ${config.file} (${drift.join("; ")}): run \`lineage recompute --repo ${repo}\` (or import-git / sync) to apply it`,
  );
}
