// GET /api/v1/repos — every stored repository: its environments, commit count, last import and sync
import { apiRoute } from "@/lib/api/route";
import { findRepositorySummaries } from "@/lib/lineage/repositories";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ handler: ({ db }) => findRepositorySummaries(db) });
