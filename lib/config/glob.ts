import picomatch from "picomatch";

// git's `tag --list` (wildmatch without WM_PATHNAME): `*` also matches `/`, dot-files are
// ordinary, and there are no braces or extglobs. picomatch's bash mode matches that.
const OPTIONS: picomatch.PicomatchOptions = {
  bash: true,
  dot: true,
  nobrace: true,
  noextglob: true,
  strictBrackets: true,
};

/** Throws with picomatch's reason when the pattern is not a valid glob. */
export function compileGlob(pattern: string): (name: string) => boolean {
  if (!pattern) throw new Error("empty pattern");
  const re = picomatch.makeRe(pattern, OPTIONS);
  return (name) => re.test(name);
}
