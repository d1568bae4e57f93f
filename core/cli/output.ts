import type { JobSummary } from '../jobs/types.js';

/**
 * Everything the CLI prints goes through here. With --json, stdout carries exactly one JSON document (or
 * NDJSON for --watch) and nothing else; human messages and progress go to stderr.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private stdout: NodeJS.WriteStream = process.stdout,
    private stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  get isTty(): boolean {
    return Boolean(this.stderr.isTTY) && !process.env.CI;
  }

  /** The command's result: JSON on stdout with --json, else the human text. */
  result(data: unknown, human: () => string): void {
    if (this.json) this.stdout.write(JSON.stringify(data, null, 2) + '\n');
    else {
      const text = human();
      if (text) this.stdout.write(text.endsWith('\n') ? text : text + '\n');
    }
  }

  jsonLine(data: unknown): void {
    this.stdout.write(JSON.stringify(data) + '\n');
  }

  info(text: string): void {
    if (!this.json) this.stderr.write(text + '\n');
  }

  error(text: string): void {
    this.stderr.write(`error: ${text}\n`);
  }

  /** Progress for a set of jobs: a redrawn bar block on a TTY, plain lines otherwise. */
  progress(): ProgressView {
    return new ProgressView(this.stderr, this.isTty);
  }
}

function bar(p: number, width = 24): string {
  const n = Math.round(Math.max(0, Math.min(1, p)) * width);
  return '█'.repeat(n) + '░'.repeat(width - n);
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ProgressView {
  private lines = new Map<number, string>();
  private drawn = 0;
  private lastPlain = new Map<number, number>();
  constructor(
    private stream: NodeJS.WriteStream,
    private tty: boolean,
  ) {}

  update(id: number, label: string, progress: number, stage: string | null, eta: number | null): void {
    const pct = `${Math.floor(progress * 100)}%`.padStart(4);
    if (this.tty) {
      this.lines.set(
        id,
        `${label.slice(0, 40).padEnd(40)} ${bar(progress)} ${pct} ${(stage ?? '').padEnd(12)} ${eta !== null ? 'ETA ' + formatEta(eta) : ''}`,
      );
      this.redraw();
    } else {
      const decile = Math.floor(progress * 10);
      if ((this.lastPlain.get(id) ?? -1) < decile) {
        this.lastPlain.set(id, decile);
        this.stream.write(`${label}: ${pct.trim()}${stage ? ` (${stage})` : ''}${eta !== null ? ` ETA ${formatEta(eta)}` : ''}\n`);
      }
    }
  }

  done(id: number, label: string, job: JobSummary, text: string): void {
    if (this.tty) {
      this.lines.delete(id);
      this.clear();
      this.stream.write(`${text}\n`);
      this.redraw();
    } else {
      this.stream.write(`${label}: ${job.state}${text ? ` — ${text}` : ''}\n`);
    }
  }

  private clear(): void {
    if (!this.drawn) return;
    this.stream.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.clear();
    for (const l of this.lines.values()) this.stream.write(l + '\n');
    this.drawn = this.lines.size;
  }

  finish(): void {
    this.clear();
  }
}

export function formatDuration(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (s % 60).toFixed(2).padStart(5, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** A cell on one line: control characters (newlines in a file name, tabs) shown as escapes, not obeyed. */
export function oneLine(cell: string): string {
  // eslint-disable-next-line no-control-regex
  return cell.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A plain text table (one line per row, whatever the cells contain). */
export function table(headers: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map(oneLine));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
