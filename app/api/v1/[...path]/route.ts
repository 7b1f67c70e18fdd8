// GET /api/v1/… (no such endpoint) — a JSON 404 rather than the dashboard's HTML page
import { errorToResponse } from "@/lib/api/route";
import { AppError } from "@/lib/errors";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  return errorToResponse(
    new AppError("NOT_FOUND", "no such endpoint (see the JSON API in README.md)"),
    request,
  );
}
