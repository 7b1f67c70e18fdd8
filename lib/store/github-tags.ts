import type { Queryable } from "./sql";
import { changedWhere, countWrites, type WriteCounts } from "./write-tally";

const RELEASE_COLUMNS = [
  "database_id",
  "name",
  "created_at",
  "published_at",
  "updated_at",
  "is_prerelease",
  "is_draft",
  "is_latest",
  "url",
  "author_login",
  "tag_commit_sha",
];

export interface GithubTagRow {
  name: string;
  targetOid: string;
  commitSha: string;
  annotated: boolean;
  taggerName: string | null;
  taggerEmail: string | null;
  taggerLogin: string | null;
  taggedAt: string | null;
  message: string | null;
  commitDate: string | null;
}

export interface GithubReleaseRow {
  tagName: string;
  databaseId: number | null;
  name: string | null;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  isPrerelease: boolean;
  isDraft: boolean;
  isLatest: boolean;
  url: string;
  authorLogin: string | null;
  tagCommitSha: string | null;
}

/**
 * Records what each tag points at now. A tag seen at a new target gains a version; the old
 * version stays (audit: a moved tag fails tag-immutable on every report that included it).
 * Counted by tag: new when its name was never seen, updated when it moved, else unchanged.
 */
export async function recordTagVersions(
  client: Queryable,
  repoId: number,
  tags: readonly GithubTagRow[],
): Promise<WriteCounts> {
  if (tags.length === 0) return countWrites("tags", 0, []);
  const { rows: moved } = await client.query<{ name: string }>(
    `UPDATE github_tag_version v SET current = false
     FROM unnest($2::text[], $3::text[]) AS t(name, target)
     WHERE v.repo_id = $1 AND v.name = t.name AND v.target_oid <> t.target AND v.current
     RETURNING v.name`,
    [repoId, tags.map((t) => t.name), tags.map((t) => t.targetOid)],
  );
  const { rows: written } = await client.query<{ name: string; inserted: boolean }>(
    `INSERT INTO github_tag_version (repo_id, name, target_oid, commit_sha, annotated, tagger_name, tagger_email,
       tagger_login, tagged_at, message, commit_date, current)
     SELECT $1, *, true FROM unnest($2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::text[],
       $8::text[], $9::timestamptz[], $10::text[], $11::timestamptz[])
     ON CONFLICT (repo_id, name, target_oid) DO UPDATE SET current = true
     WHERE NOT github_tag_version.current
     RETURNING name, (xmax = 0) AS inserted`,
    [
      repoId,
      tags.map((t) => t.name),
      tags.map((t) => t.targetOid),
      tags.map((t) => t.commitSha),
      tags.map((t) => t.annotated),
      tags.map((t) => t.taggerName),
      tags.map((t) => t.taggerEmail),
      tags.map((t) => t.taggerLogin),
      tags.map((t) => t.taggedAt),
      tags.map((t) => t.message),
      tags.map((t) => t.commitDate),
    ],
  );
  // A moved tag inserts a version (or makes an old one current again): that is an update of the tag.
  const movedNames = new Set(moved.map((m) => m.name));
  return countWrites(
    "tags",
    tags.length,
    written.map((w) => ({ inserted: w.inserted && !movedNames.has(w.name) })),
  );
}

export async function upsertReleases(
  client: Queryable,
  repoId: number,
  releases: readonly GithubReleaseRow[],
): Promise<WriteCounts> {
  if (releases.length === 0) return countWrites("releases", 0, []);
  const { rows: written } = await client.query<{ inserted: boolean }>(
    `INSERT INTO github_release (repo_id, tag_name, database_id, name, created_at, published_at, updated_at,
       is_prerelease, is_draft, is_latest, url, author_login, tag_commit_sha)
     SELECT $1, * FROM unnest($2::text[], $3::int8[], $4::text[], $5::timestamptz[], $6::timestamptz[],
       $7::timestamptz[], $8::bool[], $9::bool[], $10::bool[], $11::text[], $12::text[], $13::text[])
     ON CONFLICT (repo_id, tag_name) DO UPDATE SET database_id = EXCLUDED.database_id, name = EXCLUDED.name,
       created_at = EXCLUDED.created_at, published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at,
       is_prerelease = EXCLUDED.is_prerelease, is_draft = EXCLUDED.is_draft, is_latest = EXCLUDED.is_latest,
       url = EXCLUDED.url, author_login = EXCLUDED.author_login, tag_commit_sha = EXCLUDED.tag_commit_sha
     WHERE ${changedWhere("github_release", RELEASE_COLUMNS)}
     RETURNING (xmax = 0) AS inserted`,
    [
      repoId,
      releases.map((r) => r.tagName),
      releases.map((r) => r.databaseId),
      releases.map((r) => r.name),
      releases.map((r) => r.createdAt),
      releases.map((r) => r.publishedAt),
      releases.map((r) => r.updatedAt),
      releases.map((r) => r.isPrerelease),
      releases.map((r) => r.isDraft),
      releases.map((r) => r.isLatest),
      releases.map((r) => r.url),
      releases.map((r) => r.authorLogin),
      releases.map((r) => r.tagCommitSha),
    ],
  );
  // GitHub has one latest release; the newest page says which, older rows must not keep the flag.
  const latest = releases.find((r) => r.isLatest);
  if (latest) {
    await client.query(
      "UPDATE github_release SET is_latest = false WHERE repo_id = $1 AND is_latest AND tag_name <> $2",
      [repoId, latest.tagName],
    );
  }
  return countWrites("releases", releases.length, written);
}
