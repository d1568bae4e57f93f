/** An exact rational number, as ffprobe reports frame rates ("30000/1001"). */
export interface Fraction {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

export function parseFraction(text: string | undefined | null): Fraction | null {
  if (!text) return null;
  const m = /^\s*(-?\d+)(?:\s*[/:]\s*(\d+))?\s*$/.exec(text);
  if (!m) return null;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0 || num <= 0) return null;
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

export function fractionToNumber(f: Fraction): number {
  return f.num / f.den;
}

export function formatFraction(f: Fraction): string {
  return `${f.num}/${f.den}`;
}

/** Frame index (from 0) that is showing at time t seconds: floor(t * fps), tolerant to float noise. */
export function timeToFrame(t: number, fps: Fraction): number {
  return Math.max(0, Math.floor((t * fps.num) / fps.den + 1e-6));
}

/** Start time in seconds of frame n. */
export function frameToTime(frame: number, fps: Fraction): number {
  return (frame * fps.den) / fps.num;
}
