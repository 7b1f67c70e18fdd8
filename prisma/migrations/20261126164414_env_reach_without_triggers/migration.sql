-- DropForeignKey
ALTER TABLE "env_reach" DROP CONSTRAINT "env_reach_env_id_fkey";

-- DropForeignKey
ALTER TABLE "env_reach" DROP CONSTRAINT "env_reach_first_event_id_fkey";

-- DropIndex
DROP INDEX "env_reach_first_event_id_idx";
