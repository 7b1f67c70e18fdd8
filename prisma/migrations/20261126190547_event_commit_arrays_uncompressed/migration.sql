-- Hand-written: SQL that prisma/schema.prisma cannot express.
-- The added/removed arrays hold commit numbers that pglz cannot shrink (measured: 27 MB
-- before and after on the 80,000-commit benchmark), yet trying cost 0.5 s of the import's
-- 7 s. EXTERNAL keeps them out of line, uncompressed.
ALTER TABLE "promotion_event" ALTER COLUMN "added_commits" SET STORAGE EXTERNAL;
ALTER TABLE "promotion_event" ALTER COLUMN "removed_commits" SET STORAGE EXTERNAL;
