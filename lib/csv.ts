/**
 * A text cell made safe to open in a spreadsheet: a leading `=`, `+`, `-`, `@`, tab or
 * carriage return would make Excel, LibreOffice or Sheets read the cell as a formula (CSV
 * injection, OWASP), so such a cell gets a leading `'`, which spreadsheets show as text.
 * Numbers are written by the caller as numbers and never pass through here.
 */
export function neutraliseCsvCell(value: string | null | undefined): string {
  if (value == null) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
