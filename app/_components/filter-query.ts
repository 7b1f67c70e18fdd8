/** The query string of a filter form without its empty fields: "?from=&to=" says nothing. */
export function filterQuery(data: Iterable<[string, FormDataEntryValue]>): string {
  const query = new URLSearchParams();
  for (const [key, value] of data) {
    if (typeof value === "string" && value.trim() !== "") query.append(key, value.trim());
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}
