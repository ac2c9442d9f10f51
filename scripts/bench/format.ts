// Number formats and a Markdown builder for the benchmark report.
import { markdownTable } from '../lib/markdown.js';

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Report lines; each table is followed by a blank line. */
export class Markdown {
  readonly lines: string[] = [];

  push(...lines: string[]): void {
    this.lines.push(...lines);
  }

  table(head: string[], rows: (string | number)[][]): void {
    this.lines.push(...markdownTable(head, rows), '');
  }
}
