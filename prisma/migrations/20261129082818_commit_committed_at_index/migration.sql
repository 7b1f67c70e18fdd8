-- CreateIndex
CREATE INDEX "commit_committed_at_idx" ON "commit"("committed_at");
