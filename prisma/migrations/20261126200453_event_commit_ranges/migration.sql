-- Generated as DROP + ADD COLUMN, edited to carry existing sets over (int[] to ranges),
-- so events an earlier import stored keep their added/removed commits.
ALTER TABLE "promotion_event"
  ADD COLUMN "added_ranges" int4multirange NOT NULL DEFAULT '{}',
  ADD COLUMN "removed_ranges" int4multirange NOT NULL DEFAULT '{}';

UPDATE "promotion_event" SET
  "added_ranges" = COALESCE((SELECT range_agg(int4range(x, x, '[]')) FROM unnest("added_commits") AS x), '{}'),
  "removed_ranges" = COALESCE((SELECT range_agg(int4range(x, x, '[]')) FROM unnest("removed_commits") AS x), '{}');

-- AlterTable
ALTER TABLE "promotion_event" DROP COLUMN "added_commits", DROP COLUMN "removed_commits";
ALTER TABLE "promotion_event" RENAME COLUMN "added_ranges" TO "added_commits";
ALTER TABLE "promotion_event" RENAME COLUMN "removed_ranges" TO "removed_commits";
ALTER TABLE "promotion_event" ALTER COLUMN "added_commits" DROP DEFAULT, ALTER COLUMN "removed_commits" DROP DEFAULT;
