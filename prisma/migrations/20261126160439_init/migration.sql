-- CreateEnum
CREATE TYPE "EnvSourceKind" AS ENUM ('tags', 'branch', 'deployments');

-- CreateTable
CREATE TABLE "repository" (
    "id" SERIAL NOT NULL,
    "full_name" TEXT NOT NULL,
    "clone_path" TEXT,
    "import_fingerprint" TEXT,
    "imported_at" TIMESTAMPTZ(3),
    "commit_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commit" (
    "repo_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "parents" INTEGER[],
    "author_name" TEXT NOT NULL,
    "author_email" TEXT NOT NULL,
    "authored_at" TIMESTAMPTZ(3) NOT NULL,
    "committer_name" TEXT NOT NULL,
    "committer_email" TEXT NOT NULL,
    "committed_at" TIMESTAMPTZ(3) NOT NULL,
    "message" TEXT NOT NULL,
    "changed_paths" TEXT[],

    CONSTRAINT "commit_pkey" PRIMARY KEY ("repo_id","idx")
);

-- CreateTable
CREATE TABLE "git_ref" (
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sha" VARCHAR(40) NOT NULL,

    CONSTRAINT "git_ref_pkey" PRIMARY KEY ("repo_id","name")
);

-- CreateTable
CREATE TABLE "tag" (
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "commit_idx" INTEGER NOT NULL,
    "object_sha" VARCHAR(40),
    "annotated" BOOLEAN NOT NULL,
    "tagger_name" TEXT,
    "tagger_email" TEXT,
    "tagged_at" TIMESTAMPTZ(3),
    "message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tag_pkey" PRIMARY KEY ("repo_id","name")
);

-- CreateTable
CREATE TABLE "environment" (
    "id" SERIAL NOT NULL,
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "source_kind" "EnvSourceKind" NOT NULL,
    "pattern" TEXT NOT NULL,

    CONSTRAINT "environment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "promotion_event" (
    "id" SERIAL NOT NULL,
    "env_id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "commit_idx" INTEGER NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT,
    "source" "EnvSourceKind" NOT NULL,
    "ref" TEXT NOT NULL,
    "counted" BOOLEAN NOT NULL,
    "status" TEXT,
    "is_baseline" BOOLEAN NOT NULL,
    "added_count" INTEGER NOT NULL,
    "removed_count" INTEGER NOT NULL,

    CONSTRAINT "promotion_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_commit" (
    "event_id" INTEGER NOT NULL,
    "commit_idx" INTEGER NOT NULL,
    "removed" BOOLEAN NOT NULL,

    CONSTRAINT "event_commit_pkey" PRIMARY KEY ("event_id","commit_idx")
);

-- CreateTable
CREATE TABLE "env_reach" (
    "env_id" INTEGER NOT NULL,
    "commit_idx" INTEGER NOT NULL,
    "first_event_id" INTEGER NOT NULL,
    "current" BOOLEAN NOT NULL,

    CONSTRAINT "env_reach_pkey" PRIMARY KEY ("env_id","commit_idx")
);

-- CreateIndex
CREATE UNIQUE INDEX "repository_full_name_key" ON "repository"("full_name");

-- CreateIndex
CREATE UNIQUE INDEX "commit_repo_id_sha_key" ON "commit"("repo_id", "sha");

-- CreateIndex
CREATE INDEX "tag_repo_id_commit_idx_idx" ON "tag"("repo_id", "commit_idx");

-- CreateIndex
CREATE UNIQUE INDEX "environment_repo_id_name_key" ON "environment"("repo_id", "name");

-- CreateIndex
CREATE INDEX "promotion_event_env_id_at_idx" ON "promotion_event"("env_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "promotion_event_env_id_seq_key" ON "promotion_event"("env_id", "seq");

-- CreateIndex
CREATE INDEX "env_reach_first_event_id_idx" ON "env_reach"("first_event_id");

-- AddForeignKey
ALTER TABLE "commit" ADD CONSTRAINT "commit_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "git_ref" ADD CONSTRAINT "git_ref_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tag" ADD CONSTRAINT "tag_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "environment" ADD CONSTRAINT "environment_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotion_event" ADD CONSTRAINT "promotion_event_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_commit" ADD CONSTRAINT "event_commit_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "promotion_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "env_reach" ADD CONSTRAINT "env_reach_env_id_fkey" FOREIGN KEY ("env_id") REFERENCES "environment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "env_reach" ADD CONSTRAINT "env_reach_first_event_id_fkey" FOREIGN KEY ("first_event_id") REFERENCES "promotion_event"("id") ON DELETE CASCADE ON UPDATE CASCADE;
