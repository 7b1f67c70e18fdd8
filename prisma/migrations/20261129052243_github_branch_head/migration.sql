-- CreateTable
CREATE TABLE "github_branch_head" (
    "repo_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "sha" VARCHAR(40) NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_branch_head_pkey" PRIMARY KEY ("repo_id","name")
);

-- AddForeignKey
ALTER TABLE "github_branch_head" ADD CONSTRAINT "github_branch_head_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repository"("id") ON DELETE CASCADE ON UPDATE CASCADE;
