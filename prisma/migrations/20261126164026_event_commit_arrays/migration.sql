-- DropForeignKey
ALTER TABLE "event_commit" DROP CONSTRAINT "event_commit_event_id_fkey";

-- AlterTable
ALTER TABLE "promotion_event" ADD COLUMN     "added_commits" INTEGER[],
ADD COLUMN     "removed_commits" INTEGER[];

-- DropTable
DROP TABLE "event_commit";
