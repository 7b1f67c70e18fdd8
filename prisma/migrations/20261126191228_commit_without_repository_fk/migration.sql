-- DropForeignKey
ALTER TABLE "commit" DROP CONSTRAINT "commit_repo_id_fkey";
