import { type SourceKind, sourceOf, type TEnvironmentConfig } from "../config/schema";
import type { Queryable } from "./sql";

export interface EnvironmentRow {
  id: number;
  name: string;
  position: number;
  sourceKind: SourceKind;
  pattern: string;
}

/**
 * Makes the repository's environments match the config: new ones are created, removed ones
 * deleted (with their events), and one whose source changed loses its events so that they
 * are recomputed from the new source.
 */
export async function syncEnvironments(
  client: Queryable,
  repoId: number,
  configured: readonly TEnvironmentConfig[],
): Promise<EnvironmentRow[]> {
  const { rows: existing } = await client.query<EnvironmentRow>(
    `SELECT id, name, position, source_kind AS "sourceKind", pattern FROM environment WHERE repo_id = $1`,
    [repoId],
  );
  const keep = new Set(configured.map((e) => e.name));
  const gone = existing.filter((e) => !keep.has(e.name)).map((e) => e.id);
  if (gone.length) {
    await client.query("DELETE FROM env_reach WHERE env_id = ANY($1::int[])", [gone]);
    await client.query("DELETE FROM environment WHERE id = ANY($1::int[])", [gone]);
  }
  const result: EnvironmentRow[] = [];
  for (const [position, env] of configured.entries()) {
    const { kind, pattern } = sourceOf(env.source);
    const old = existing.find((e) => e.name === env.name);
    if (old && (old.sourceKind !== kind || old.pattern !== pattern)) {
      await client.query("DELETE FROM env_reach WHERE env_id = $1", [old.id]);
      await client.query("DELETE FROM promotion_event WHERE env_id = $1", [old.id]);
    }
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO environment (repo_id, name, position, source_kind, pattern) VALUES ($1, $2, $3, $4::"EnvSourceKind", $5)
       ON CONFLICT (repo_id, name) DO UPDATE SET position = EXCLUDED.position, source_kind = EXCLUDED.source_kind,
         pattern = EXCLUDED.pattern
       RETURNING id`,
      [repoId, env.name, position, kind, pattern],
    );
    result.push({ id: rows[0]!.id, name: env.name, position, sourceKind: kind, pattern });
  }
  return result;
}
