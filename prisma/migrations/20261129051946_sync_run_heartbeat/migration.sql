-- AlterTable
ALTER TABLE "github_sync_run" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3),
ADD COLUMN     "hostname" TEXT,
ADD COLUMN     "pid" INTEGER;
