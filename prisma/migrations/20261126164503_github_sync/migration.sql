-- CreateTable
CREATE TABLE "github_commit" (
    "repo_id" INTEGER NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "parent_shas" TEXT[],
    "message" TEXT NOT NULL,
    "author_name" TEXT,
    "author_email" TEXT,
    "author_login" TEXT,
    "authored_at" TIMESTAMPTZ(3) NOT NULL,
    "committer_name" TEXT,
    "committer_email" TEXT,
    "committer_login" TEXT,
    "committed_at" TIMESTAMPTZ(3) NOT NULL,
    "committed_via_web" BOOLEAN NOT NULL,
    "first_run_id" INTEGER NOT NULL,
    "suites_stale" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "github_commit_pkey" PRIMARY KEY ("repo_id","sha")
);

-- CreateTable
CREATE TABLE "github_commit_signature" (
    "repo_id" INTEGER NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "is_valid" BOOLEAN NOT NULL,
    "was_signed_by_github" BOOLEAN NOT NULL,
    "email" TEXT NOT NULL,
    "signer_login" TEXT,
    "verified_at" TIMESTAMPTZ(3),
    "key_id" TEXT,
    "key_fingerprint" TEXT,

    CONSTRAINT "github_commit_signature_pkey" PRIMARY KEY ("repo_id","sha")
);

-- CreateTable
CREATE TABLE "github_pull_request" (
    "repo_id" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "database_id" BIGINT,
    "title" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "author_login" TEXT,
    "author_type" TEXT,
    "author_association" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "is_draft" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "merged_at" TIMESTAMPTZ(3),
    "merged_by_login" TEXT,
    "merge_commit_sha" VARCHAR(40),
    "base_ref_name" TEXT NOT NULL,
    "base_ref_oid" VARCHAR(40) NOT NULL,
    "head_ref_name" TEXT NOT NULL,
    "head_ref_oid" VARCHAR(40) NOT NULL,
    "is_cross_repository" BOOLEAN NOT NULL,
    "review_decision" TEXT,

    CONSTRAINT "github_pull_request_pkey" PRIMARY KEY ("repo_id","number")
);

-- CreateTable
CREATE TABLE "github_pull_request_commit" (
    "repo_id" INTEGER NOT NULL,
    "pr_number" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "sha" VARCHAR(40) NOT NULL,

    CONSTRAINT "github_pull_request_commit_pkey" PRIMARY KEY ("repo_id","pr_number","position")
);

-- CreateTable
CREATE TABLE "github_review" (
    "repo_id" INTEGER NOT NULL,
    "database_id" BIGINT NOT NULL,
    "pr_number" INTEGER NOT NULL,
    "author_login" TEXT,
    "author_type" TEXT,
    "author_association" TEXT NOT NULL,
    "author_can_push" BOOLEAN NOT NULL,
    "state" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "commit_sha" VARCHAR(40),

    CONSTRAINT "github_review_pkey" PRIMARY KEY ("repo_id","database_id")
);

-- CreateTable
CREATE TABLE "github_review_dismissal" (
    "repo_id" INTEGER NOT NULL,
    "pr_number" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "database_id" BIGINT,
    "review_database_id" BIGINT,
    "actor_login" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "previous_review_state" TEXT NOT NULL,
    "message" TEXT,
    "pull_request_commit_sha" VARCHAR(40),

    CONSTRAINT "github_review_dismissal_pkey" PRIMARY KEY ("repo_id","pr_number","position")
);

-- CreateTable
CREATE TABLE "github_pull_request_event" (
    "repo_id" INTEGER NOT NULL,
    "pr_number" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_login" TEXT,
    "commit_sha" VARCHAR(40),
    "before_sha" VARCHAR(40),
    "after_sha" VARCHAR(40),
    "ref_name" TEXT,

    CONSTRAINT "github_pull_request_event_pkey" PRIMARY KEY ("repo_id","pr_number","position")
);

-- CreateTable
CREATE TABLE "github_check_suite" (
    "repo_id" INTEGER NOT NULL,
    "database_id" BIGINT NOT NULL,
    "node_id" TEXT NOT NULL,
    "commit_sha" VARCHAR(40) NOT NULL,
    "app_slug" TEXT,
    "app_name" TEXT,
    "branch" TEXT,
    "status" TEXT NOT NULL,
    "conclusion" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "creator_login" TEXT,
    "url" TEXT NOT NULL,
    "runs_read_for" TIMESTAMPTZ(3),

    CONSTRAINT "github_check_suite_pkey" PRIMARY KEY ("repo_id","database_id")
);

-- CreateTable
CREATE TABLE "github_workflow_run" (
    "repo_id" INTEGER NOT NULL,
    "database_id" BIGINT NOT NULL,
    "check_suite_id" BIGINT NOT NULL,
    "node_id" TEXT NOT NULL,
    "workflow_database_id" BIGINT,
    "workflow_name" TEXT NOT NULL,
    "workflow_path" TEXT,
    "run_number" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "conclusion" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "url" TEXT NOT NULL,
    "reviews_read_for" TIMESTAMPTZ(3),

    CONSTRAINT "github_workflow_run_pkey" PRIMARY KEY ("repo_id","database_id")
);

-- CreateTable
CREATE TABLE "github_check_run" (
    "repo_id" INTEGER NOT NULL,
    "database_id" BIGINT NOT NULL,
    "check_suite_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "conclusion" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "details_url" TEXT,
    "deployment_database_id" BIGINT,

    CONSTRAINT "github_check_run_pkey" PRIMARY KEY ("repo_id","database_id")
);

-- CreateTable
CREATE TABLE "github_deployment_review" (
    "repo_id" INTEGER NOT NULL,
    "workflow_run_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "database_id" BIGINT,
    "state" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "user_login" TEXT,
    "environments" TEXT[],

    CONSTRAINT "github_deployment_review_pkey" PRIMARY KEY ("repo_id","workflow_run_id","position")
);

-- CreateTable
CREATE TABLE "github_deployment" (
    "repo_id" INTEGER NOT NULL,
    "database_id" BIGINT NOT NULL,
    "node_id" TEXT NOT NULL,
    "environment" TEXT,
    "original_environment" TEXT,
    "latest_environment" TEXT,
    "state" TEXT,
    "task" TEXT,
    "description" TEXT,
    "payload" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "ref_name" TEXT,
    "creator_login" TEXT,
    "creator_type" TEXT,
    "latest_status" TEXT,

    CONSTRAINT "github_deployment_pkey" PRIMARY KEY ("repo_id","database_id")
);

-- CreateTable
CREATE TABLE "github_deployment_status" (
    "repo_id" INTEGER NOT NULL,
    "deployment_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "description" TEXT,
    "environment" TEXT,
    "environment_url" TEXT,
    "log_url" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3),
    "creator_login" TEXT,

    CONSTRAINT "github_deployment_status_pkey" PRIMARY KEY ("repo_id","deployment_id","position")
);

-- CreateTable
CREATE TABLE "github_environment" (
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "database_id" BIGINT,

    CONSTRAINT "github_environment_pkey" PRIMARY KEY ("repo_id","name")
);

-- CreateTable
CREATE TABLE "github_protection_rule" (
    "repo_id" INTEGER NOT NULL,
    "environment_name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "database_id" BIGINT,
    "type" TEXT NOT NULL,
    "timeout" INTEGER NOT NULL,
    "prevent_self_review" BOOLEAN,
    "reviewers" TEXT[],

    CONSTRAINT "github_protection_rule_pkey" PRIMARY KEY ("repo_id","environment_name","position")
);

-- CreateTable
CREATE TABLE "github_release" (
    "repo_id" INTEGER NOT NULL,
    "tag_name" TEXT NOT NULL,
    "database_id" BIGINT,
    "name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "published_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "is_prerelease" BOOLEAN NOT NULL,
    "is_draft" BOOLEAN NOT NULL,
    "is_latest" BOOLEAN NOT NULL,
    "url" TEXT NOT NULL,
    "author_login" TEXT,
    "tag_commit_sha" VARCHAR(40),

    CONSTRAINT "github_release_pkey" PRIMARY KEY ("repo_id","tag_name")
);

-- CreateTable
CREATE TABLE "github_tag_version" (
    "id" SERIAL NOT NULL,
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "target_oid" VARCHAR(40) NOT NULL,
    "commit_sha" VARCHAR(40) NOT NULL,
    "annotated" BOOLEAN NOT NULL,
    "tagger_name" TEXT,
    "tagger_email" TEXT,
    "tagger_login" TEXT,
    "tagged_at" TIMESTAMPTZ(3),
    "message" TEXT,
    "commit_date" TIMESTAMPTZ(3),
    "current" BOOLEAN NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_tag_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "github_sync_state" (
    "repo_id" INTEGER NOT NULL,
    "resource" TEXT NOT NULL,
    "high_water_mark" TIMESTAMPTZ(3),
    "cursor" TEXT,
    "state" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_sync_state_pkey" PRIMARY KEY ("repo_id","resource")
);

-- CreateTable
CREATE TABLE "github_sync_run" (
    "id" SERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "status" TEXT NOT NULL,
    "repos" TEXT[],
    "endpoint" TEXT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "points" INTEGER NOT NULL DEFAULT 0,
    "items" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "message" TEXT,
    "details" JSONB,

    CONSTRAINT "github_sync_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "github_pull_request_repo_id_merge_commit_sha_idx" ON "github_pull_request"("repo_id", "merge_commit_sha");

-- CreateIndex
CREATE INDEX "github_pull_request_commit_repo_id_sha_idx" ON "github_pull_request_commit"("repo_id", "sha");

-- CreateIndex
CREATE INDEX "github_review_repo_id_pr_number_idx" ON "github_review"("repo_id", "pr_number");

-- CreateIndex
CREATE INDEX "github_check_suite_repo_id_commit_sha_idx" ON "github_check_suite"("repo_id", "commit_sha");

-- CreateIndex
CREATE INDEX "github_workflow_run_repo_id_check_suite_id_idx" ON "github_workflow_run"("repo_id", "check_suite_id");

-- CreateIndex
CREATE INDEX "github_check_run_repo_id_check_suite_id_idx" ON "github_check_run"("repo_id", "check_suite_id");

-- CreateIndex
CREATE INDEX "github_deployment_repo_id_created_at_idx" ON "github_deployment"("repo_id", "created_at");

-- CreateIndex
CREATE INDEX "github_deployment_repo_id_sha_idx" ON "github_deployment"("repo_id", "sha");

-- CreateIndex
CREATE INDEX "github_tag_version_repo_id_commit_sha_idx" ON "github_tag_version"("repo_id", "commit_sha");

-- CreateIndex
CREATE UNIQUE INDEX "github_tag_version_repo_id_name_target_oid_key" ON "github_tag_version"("repo_id", "name", "target_oid");

-- AddForeignKey
ALTER TABLE "github_commit" ADD CONSTRAINT "github_commit_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_commit_signature" ADD CONSTRAINT "github_commit_signature_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_pull_request" ADD CONSTRAINT "github_pull_request_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_pull_request_commit" ADD CONSTRAINT "github_pull_request_commit_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_review" ADD CONSTRAINT "github_review_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_review_dismissal" ADD CONSTRAINT "github_review_dismissal_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_pull_request_event" ADD CONSTRAINT "github_pull_request_event_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_check_suite" ADD CONSTRAINT "github_check_suite_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_workflow_run" ADD CONSTRAINT "github_workflow_run_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_check_run" ADD CONSTRAINT "github_check_run_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_deployment_review" ADD CONSTRAINT "github_deployment_review_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_deployment" ADD CONSTRAINT "github_deployment_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_deployment_status" ADD CONSTRAINT "github_deployment_status_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_environment" ADD CONSTRAINT "github_environment_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_protection_rule" ADD CONSTRAINT "github_protection_rule_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_release" ADD CONSTRAINT "github_release_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_tag_version" ADD CONSTRAINT "github_tag_version_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "github_sync_state" ADD CONSTRAINT "github_sync_state_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;
