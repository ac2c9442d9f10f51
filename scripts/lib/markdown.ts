// Markdown tables for the benchmark and soak reports.

/** The lines of a table; `numeric` right-aligns every column but the first. */
export function markdownTable(head: string[], rows: (string | number)[][], numeric = false): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((_h, i) => (numeric && i > 0 ? '--:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}
