/**
 * Framewise cue markup: `<i>`, `<b>`, `<u>` and `\n`. Each format converts to and from it here, so styling
 * survives import → edit → export; anything else a format carries (colours, fonts, karaoke) is dropped.
 */
const KEPT = /<\/?([ibu])>/gi;

/** SRT/VTT text → markup: keep i/b/u tags, drop others (`<font>`, `<c.x>`, voice spans, timestamps). */
export function fromHtmlish(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/<(\/?)([ibu])(\.[^>]*)?>/gi, (_m, slash: string, tag: string) => `<${slash}${tag.toLowerCase()}>`)
    .replace(/<(?!\/?[ibu]>)[^>\n]*>/gi, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&amp;/g, '&')
    .trim();
}

/** Markup → SRT text (SRT takes the tags as they are). */
export function toSrtText(text: string): string {
  return text;
}

/** Markup → WebVTT text: escape `&`, `<`, `>` that are not our tags. */
export function toVttText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(KEPT)) {
    out += escapeVtt(text.slice(last, m.index)) + m[0].toLowerCase();
    last = m.index + m[0].length;
  }
  return out + escapeVtt(text.slice(last));
}

function escapeVtt(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** ASS dialogue text → markup and alignment (`{\an8}`, `{\i1}`, `\N`). */
export function fromAss(text: string): { text: string; align: number | null } {
  let align: number | null = null;
  const out = text.replace(/\{([^}]*)\}/g, (_m, body: string) => {
    let tags = '';
    for (const t of body.split('\\').slice(1)) {
      const an = /^an([1-9])$/.exec(t);
      if (an) align = Number(an[1]);
      const legacy = /^a(\d{1,2})$/.exec(t);
      if (legacy) align = legacyAlign(Number(legacy[1]));
      const ibu = /^([ibu])([01])$/.exec(t);
      if (ibu) tags += ibu[2] === '1' ? `<${ibu[1]}>` : `</${ibu[1]}>`;
    }
    return tags;
  });
  return {
    text: out.replace(/\\N/g, '\n').replace(/\\n/g, '\n').replace(/\\h/g, '\u00a0').trim(),
    align,
  };
}

/** SSA v4 `\aN` (1–3 bottom, +4 top, +8 middle) → numpad. */
function legacyAlign(a: number): number | null {
  const h = a & 3;
  if (h < 1) return null;
  if (a & 4) return 6 + h;
  if (a & 8) return 3 + h;
  return h;
}

/** Markup → ASS dialogue text. */
export function toAssText(text: string, align: number | null): string {
  const body = text.replace(/<(\/?)([ibu])>/g, (_m, slash: string, tag: string) => `{\\${tag}${slash ? 0 : 1}}`).replace(/\n/g, '\\N');
  return (align ? `{\\an${align}}` : '') + body;
}

/** SRT sometimes carries ASS alignment tags at the start: `{\an8}Text`. */
export function takeLeadingAlign(text: string): { text: string; align: number | null } {
  const m = /^\{\\an([1-9])\}/.exec(text);
  return m ? { text: text.slice(m[0].length), align: Number(m[1]) } : { text, align: null };
}

/** Plain text of a cue (tags removed), for checks like reading speed and line length. */
export function plainText(text: string): string {
  return text.replace(KEPT, '');
}
