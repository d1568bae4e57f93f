import { existsSync } from 'node:fs';
import { z } from 'zod';
import { writeAss } from './formats/ass.js';
import type { Cue } from './types.js';

/** A burn-in style: sizes are fractions of the picture height, so one preset fits every resolution. */
export interface BurnStyle {
  font: string;
  /** Text height / picture height. */
  size: number;
  bold: boolean;
  /** Outline width / picture height (or the box padding when `box`). */
  outline: number;
  /** Draw an opaque box behind the text instead of an outline. */
  box: boolean;
  position: 'bottom' | 'top';
  /** Safe margin / picture height (bottom or top) and / picture width (left and right). */
  margin: number;
}

export const burnStyles = {
  default: { font: 'DejaVu Sans', size: 0.05, bold: false, outline: 0.003, box: false, position: 'bottom', margin: 0.05 },
  box: { font: 'DejaVu Sans', size: 0.05, bold: false, outline: 0.006, box: true, position: 'bottom', margin: 0.05 },
  large: { font: 'DejaVu Sans', size: 0.075, bold: true, outline: 0.004, box: false, position: 'bottom', margin: 0.05 },
  top: { font: 'DejaVu Sans', size: 0.05, bold: false, outline: 0.003, box: false, position: 'top', margin: 0.05 },
} as const satisfies Record<string, BurnStyle>;

export type BurnStyleName = keyof typeof burnStyles;
export const burnStyleNames = Object.keys(burnStyles) as BurnStyleName[];
export const burnStyleSchema = z.enum(burnStyleNames as [BurnStyleName, ...BurnStyleName[]]);

/** The ASS header for a style at a picture size (PlayRes = the picture, so sizes are in real pixels). */
export function styleHeader(style: BurnStyle, width: number, height: number): string {
  const px = (f: number, of = height) => Math.max(1, Math.round(f * of));
  const align = style.position === 'top' ? 8 : 2;
  const outlineColour = style.box ? '&H40000000' : '&H00000000';
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${width}`,
    `PlayResY: ${height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: Default,${style.font},${px(style.size)},&H00FFFFFF,&H000000FF,${outlineColour},&H80000000,${style.bold ? -1 : 0},0,0,0,100,100,0,0,${style.box ? 3 : 1},${px(style.outline)},0,${align},${px(style.margin, width)},${px(style.margin, width)},${px(style.margin)},1`,
  ].join('\n');
}

/** The ASS file that burns `cues` with a style (cue positions and italics/bold kept; cue styles replaced). */
export function burnAss(cues: readonly Cue[], style: BurnStyle, width: number, height: number): string {
  return writeAss(
    cues.map((c) => ({ ...c, style: null })),
    styleHeader(style, width, height),
  );
}

/** A folder of fonts for libass: FRAMEWISE_FONTS_DIR, else the system's DejaVu / font folders. */
export function fontsDir(): string | null {
  const candidates = [
    process.env.FRAMEWISE_FONTS_DIR,
    '/usr/share/fonts/truetype/dejavu',
    '/usr/share/fonts',
    'C:\\Windows\\Fonts',
    '/System/Library/Fonts',
    '/Library/Fonts',
  ];
  return candidates.find((d): d is string => !!d && existsSync(d)) ?? null;
}
