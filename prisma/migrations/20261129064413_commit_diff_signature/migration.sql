-- CreateTable
CREATE TABLE "commit_diff_signature" (
    "repo_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "signature" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "commit_diff_signature_pkey" PRIMARY KEY ("repo_id","idx")
);
