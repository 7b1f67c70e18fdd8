-- AlterTable
ALTER TABLE "commit" ADD COLUMN     "patch_id" VARCHAR(40);

-- AlterTable
ALTER TABLE "promotion_event" ADD COLUMN     "is_pure_rollback" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "superseded_commits" int4multirange,
ADD COLUMN     "superseded_count" INTEGER;
