/**
 * One ASS header for a track joined from sources whose headers differ: the first source's header, plus the
 * styles of every other source. A style whose name the header already has with another definition is added
 * renamed (`Default_2`), and that source's events are moved to the new name, so each source's events keep their
 * own look. (Style lines are compared as written: ffmpeg writes each source's header as the source has it.)
 */
const STYLE_LINE = /^Style:\s*([^,]*),(.*)$/;

export class AssStyleTable {
  private readonly lines: string[];
  private readonly styles = new Map<string, string>();
  private readonly seen = new Map<string, Map<string, string>>();

  constructor(firstHeader: string) {
    this.lines = firstHeader.split('\n');
    for (const line of this.lines) {
      const m = STYLE_LINE.exec(line);
      if (m) this.styles.set(m[1]!.trim(), m[2]!);
    }
  }

  /** Adds a source's styles; returns the renames its events need (style name → name in the joined header). */
  add(header: string): Map<string, string> {
    const known = this.seen.get(header);
    if (known) return known;
    const renames = new Map<string, string>();
    for (const line of header.split('\n')) {
      const m = STYLE_LINE.exec(line);
      if (!m) continue;
      const name = m[1]!.trim();
      const definition = m[2]!;
      if (this.styles.get(name) === definition) continue;
      let target = name;
      for (let n = 2; this.styles.has(target) && this.styles.get(target) !== definition; n++) target = `${name}_${n}`;
      if (!this.styles.has(target)) this.insert(target, definition);
      if (target !== name) renames.set(name, target);
    }
    this.seen.set(header, renames);
    return renames;
  }

  header(): string {
    return this.lines.join('\n');
  }

  private insert(name: string, definition: string): void {
    this.styles.set(name, definition);
    const line = `Style: ${name},${definition}`;
    const lastStyle = this.lines.findLastIndex((l) => STYLE_LINE.test(l));
    const events = this.lines.findIndex((l) => l.trim().toLowerCase() === '[events]');
    if (lastStyle >= 0) this.lines.splice(lastStyle + 1, 0, line);
    else if (events >= 0) this.lines.splice(events, 0, '[V4+ Styles]', line, '');
    else this.lines.push('', '[V4+ Styles]', line);
  }
}

/** An event's fields after End (`Style,Name,…,Text`) with its style renamed where `renames` says. */
export function restyled(body: string, renames: Map<string, string>): string {
  if (!renames.size) return body;
  const comma = body.indexOf(',');
  const style = (comma < 0 ? body : body.slice(0, comma)).trim();
  const target = renames.get(style);
  return target === undefined ? body : target + (comma < 0 ? '' : body.slice(comma));
}
