// Tag globs match as `git tag --list` does: git's wildmatch without WM_PATHNAME, on the
// name's UTF-8 bytes. `*` and `?` also match `/`; `[...]` takes ranges, `[:class:]`, a
// leading `!` or `^` to negate, `]` first as itself and `\` escapes; there are no braces.
// Path-glob libraries (picomatch, minimatch) differ on exactly these points (`?` and
// classes never match `/` there, `[!...]` is not always negation), and no maintained npm
// package ports wildmatch, so this compiles git's rules (wildmatch.c) to a RegExp over bytes.

const CLASSES: Record<string, (b: number) => boolean> = {
  alnum: (b) => isDigit(b) || isAlpha(b),
  alpha: (b) => isAlpha(b),
  blank: (b) => b === 0x20 || b === 0x09,
  cntrl: (b) => b < 0x20 || b === 0x7f,
  digit: (b) => isDigit(b),
  graph: (b) => b > 0x20 && b < 0x7f,
  lower: (b) => b >= 0x61 && b <= 0x7a,
  print: (b) => b >= 0x20 && b < 0x7f,
  punct: (b) => b > 0x20 && b < 0x7f && !isDigit(b) && !isAlpha(b),
  space: (b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d,
  upper: (b) => b >= 0x41 && b <= 0x5a,
  xdigit: (b) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66),
};

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}
function isAlpha(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

const hex = (b: number) => `\\x${b.toString(16).padStart(2, "0")}`;

/** A bracket expression at p[start] === "[" (bytes); returns its regex class and where it ends. */
function bracket(p: Uint8Array, start: number, pattern: string): { source: string; next: number } {
  const set = new Uint8Array(256);
  let i = start + 1;
  const unclosed = () => new Error(`unclosed "[" in "${pattern}"`);
  let negated = false;
  if (p[i] === 0x21 /* ! */ || p[i] === 0x5e /* ^ */) {
    negated = true;
    i++;
  }
  let prev = -1; // the previous single byte, which a following "-" makes a range start
  // As in wildmatch.c: the first byte is taken as a member even when it is "]".
  let first = true;
  for (;;) {
    if (i >= p.length) throw unclosed();
    const c = p[i]!;
    if (c === 0x5d /* ] */ && !first) break;
    first = false;
    if (c === 0x5c /* \ */) {
      i++;
      if (i >= p.length) throw unclosed();
      set[p[i]!] = 1;
      prev = p[i]!;
      i++;
    } else if (c === 0x2d /* - */ && prev >= 0 && i + 1 < p.length && p[i + 1] !== 0x5d) {
      i++;
      let end = p[i]!;
      if (end === 0x5c) {
        i++;
        if (i >= p.length) throw unclosed();
        end = p[i]!;
      }
      for (let b = prev; b <= end; b++) set[b] = 1;
      prev = -1;
      i++;
    } else if (c === 0x5b /* [ */ && p[i + 1] === 0x3a /* : */) {
      const close = p.indexOf(0x5d, i + 2);
      if (close < 0) throw unclosed();
      if (close - 1 < i + 2 || p[close - 1] !== 0x3a) {
        // No ":]": the "[" is an ordinary member.
        set[c] = 1;
        prev = c;
        i++;
        continue;
      }
      const name = Buffer.from(p.subarray(i + 2, close - 1)).toString("latin1");
      const test = CLASSES[name];
      if (!test) throw new Error(`unknown character class "[:${name}:]" in "${pattern}"`);
      for (let b = 0; b < 256; b++) if (test(b)) set[b] = 1;
      prev = -1;
      i = close + 1;
    } else {
      set[c] = 1;
      prev = c;
      i++;
    }
  }
  const members: string[] = [];
  for (let b = 0; b < 256; b++) if (set[b] !== (negated ? 1 : 0)) members.push(hex(b));
  return { source: members.length ? `[${members.join("")}]` : "(?!)", next: i + 1 };
}

/** Compiles a git wildmatch pattern; throws with the reason when git would not accept it. */
export function compileGlob(pattern: string): (name: string) => boolean {
  if (!pattern) throw new Error("empty pattern");
  const p = Buffer.from(pattern, "utf8");
  let source = "^";
  for (let i = 0; i < p.length; ) {
    const c = p[i]!;
    if (c === 0x2a /* * */) {
      while (p[i] === 0x2a) i++;
      source += "[\\s\\S]*";
    } else if (c === 0x3f /* ? */) {
      source += "[\\s\\S]";
      i++;
    } else if (c === 0x5b /* [ */) {
      const { source: cls, next } = bracket(p, i, pattern);
      source += cls;
      i = next;
    } else if (c === 0x5c /* \ */) {
      if (i + 1 >= p.length) throw new Error(`"${pattern}" ends in a lone backslash`);
      source += hex(p[i + 1]!);
      i += 2;
    } else {
      source += hex(c);
      i++;
    }
  }
  const re = new RegExp(`${source}$`);
  // Names are matched as bytes, one regex character per UTF-8 byte, as git matches them.
  return (name) => re.test(Buffer.from(name, "utf8").toString("latin1"));
}
