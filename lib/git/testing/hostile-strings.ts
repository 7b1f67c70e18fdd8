// Attacker-controlled text for fixtures: commit messages, PR titles, ref names and people's names
// that are HTML, script, spreadsheet formulas and terminal control sequences. Anyone who can push
// a branch or open a PR chooses these bytes, so every page, export and table must show them as
// inert text. Shared by the git fixture (`hostile-repo.ts`), the simulator's `hostile` scenario
// option and the demo, so browser tests can look for exactly these strings.

/** Tag names that are valid git refs (`git check-ref-format`: no spaces, `:`, `\`, `..`) and HTML. */
export const HOSTILE_TAGS = [
  "v9<svg/onload=alert(1)>",
  'v9.1"><img/src=x/onerror=alert(2)>',
  "v9.2&amp;<b>bold</b>",
  "v9.3'-alert(5)-'",
] as const;

/** Branch names, valid git refs too. */
export const HOSTILE_BRANCHES = [
  "feature/<i>x</i>",
  'feature/"><script>alert(3)</script>',
  "feature/{{constructor.constructor('alert(4)')()}}",
] as const;

/**
 * Commit messages (and PR titles: their first lines). Control characters that git and
 * PostgreSQL both keep: BEL, ESC (ANSI colours), backspace, tab, CR, the right-to-left
 * override and a zero-width space. No NUL: neither git messages nor PostgreSQL text hold one.
 * No trailing newline: the importer, like `git log --format=%B` readers, drops it.
 */
export const HOSTILE_MESSAGES = [
  '<script>alert("msg")</script> in the headline\n\nBody with <img src=x onerror=alert(6)> and a [link](javascript:alert(7)).',
  "Bell\u0007 escape \u001b[31mred\u001b[0m backspace\b tab\t carriage\rreturn",
  "\u202egnp.exe RTL override, zero\u200bwidth space, =cmd|' /C calc'!A0",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the point.
  "{{7*7}} ${7*7} <!-- comment --> ]]> &lt;b&gt; &amp; </textarea></title></style>",
] as const;

/** Names of people (git identities and GitHub display names). Git refuses `<`, `>` and newlines in an identity's name. */
export const HOSTILE_GIT_NAMES = [
  'Eve "onmouseover=alert(8)" &amp; \u202eevE',
  'Mallory \u001b[2J\u001b[Hcleared =HYPERLINK("http://x.example")',
] as const;

/** GitHub display names, which may hold anything. */
export const HOSTILE_DISPLAY_NAMES = [
  '<img src=x onerror=alert(9)> Eve "Evil" O\'Hare',
  "Mallory\u0007 \u001b[31m<script>alert(10)</script>",
] as const;

/**
 * Logins as a GraphQL API could hand them back: GitHub itself allows only letters, digits and
 * hyphens, but a GitHub Enterprise proxy or a bug must still not get markup onto a page.
 */
export const HOSTILE_LOGINS = ['eve"><svg/onload=alert(11)>', "<b>mallory</b>"] as const;
