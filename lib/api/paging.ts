export interface PageRequest {
  page: number;
  perPage: number;
}

/**
 * The document with every list in it cut to one page (1-based), plus the full length of each
 * list under `totals`. Fields that are not lists (or null) are kept as they are, so a list
 * added to the document later is paged too.
 */
export function pageLists<T extends object>(
  doc: T,
  { page, perPage }: PageRequest,
): T & { totals: Record<string, number>; page: number; perPage: number } {
  const start = (page - 1) * perPage;
  const paged: Record<string, unknown> = {};
  const totals: Record<string, number> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (Array.isArray(value)) {
      paged[key] = value.slice(start, start + perPage);
      totals[key] = value.length;
    } else paged[key] = value;
  }
  return { ...(paged as T), totals, page, perPage };
}
