// The report's tables of the projection and heavy-order sections.
import { type Markdown, fmt, mb } from './format.js';

export function projectionReport(md: Markdown, p: any): void {
  md.push(`### Projection: bytes received with and without fields= (${fmt(p.orders)} orders)`, '');
  const row = (name: string, x: any): (string | number)[] => [
    name,
    fmt(x.records),
    x.requests,
    mb(x.bytesReceived),
    x.wallSeconds,
    x.cpuSeconds,
    `${x.peakRssMB} MB`,
  ];
  md.table(
    ['catalog, field_projection', 'records', 'requests', 'bytes received', 'wall s', 'CPU s', 'peak RSS'],
    [
      row('all columns, true', p.allColumns.projected),
      row('all columns, false', p.allColumns.whole),
      row('narrow (4+4 columns), true', p.narrowSelection.projected),
      row('narrow, false', p.narrowSelection.whole),
      row('narrow, true, server ignores fields=', p.fallbackIgnoringServer),
    ],
  );
  md.push(
    `Bytes saved: ${(p.allColumns.bytesSaved * 100).toFixed(1)}% with all columns selected, ` +
      `${(p.narrowSelection.bytesSaved * 100).toFixed(1)}% with the narrow selection. ` +
      `Projected records identical to whole-order records: ${p.projectedSameRecordsAsWhole}. Against a server ` +
      `ignoring fields= the records are identical too ` +
      `(${p.fallbackIgnoringServer.sameRecordsAsWhole}); tap log: "${p.fallbackIgnoringServer.tapLog}".`,
    '',
  );
}

export function heavyReport(md: Markdown, h: any): void {
  md.push(
    `### Heavy orders: ${fmt(h.orders)} orders of ${h.linesPerOrder.join('-')} lines (${fmt(h.lines)} lines), ` +
      `default settings`,
    '',
  );
  md.table(
    [
      'API',
      'exit',
      'exact',
      'peak RSS',
      'wall s',
      'CPU s',
      'requests',
      'bytes received',
      'bytes / order',
      'limit asked first',
      'median limit after',
      'sandbox CPU s',
    ],
    h.runs.map((x: any) => [
      x.apiIgnoresFields ? 'ignores fields=' : 'honours fields=',
      x.exitCode,
      x.exact,
      `${x.peakRssMB} MB`,
      x.wallSeconds,
      x.cpuSeconds,
      x.requests,
      mb(x.bytesReceived),
      fmt(x.bytesPerOrder),
      x.firstLimit,
      x.medianLimit,
      x.sandboxCpuSeconds,
    ]),
  );
}
