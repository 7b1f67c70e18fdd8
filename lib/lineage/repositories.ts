import type { Db } from "../db/client";
import { AppError } from "../errors";

export interface RepositoryRef {
  id: number;
  fullName: string;
  commitCount: number;
}

export async function getRepositoryOrThrow(db: Pick<Db, "pool">, fullName: string): Promise<RepositoryRef> {
  const { rows } = await db.pool.query<RepositoryRef>(
    `SELECT id, full_name AS "fullName", commit_count AS "commitCount" FROM repository WHERE lower(full_name) = lower($1)`,
    [fullName],
  );
  if (!rows[0])
    throw new AppError(
      "NOT_FOUND",
      `unknown repository "${fullName}": it has not been imported (run lineage import-git or sync)`,
    );
  return rows[0];
}
