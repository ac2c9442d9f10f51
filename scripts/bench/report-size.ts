// The report's tables of sections 4 to 6: scale, the slow consumer, incremental runs.
import { type Markdown, fmt, mb } from './format.js';

export function scaleReport(md: Markdown, scale: any): void {
  md.push(`### 4. Scale: peak RSS by account size (~${scale.itemsPerOrder} items per order)`, '');
  md.table(
    ['orders', 'records', 'peak RSS', 'wall s', 'CPU s', 'records/s', 'bytes received', 'requests'],
    scale.rows.map((x: any) => [
      fmt(x.orders),
      fmt(x.records),
      `${x.peakRssMB} MB`,
      x.wallSeconds,
      x.cpuSeconds,
      fmt(x.recordsPerSecond),
      mb(x.bytesReceived),
      x.requests,
    ]),
  );
}

export function slowConsumerReport(md: Markdown, s: any): void {
  md.push(
    `### 5. Slow consumer: stdout drained at ${(s.drainBytesPerSecond / 1e6).toFixed(1)} MB/s for ` +
      `${s.stoppedAfterSeconds}s (${fmt(s.orders)} orders), then SIGTERM`,
    '',
  );
  md.table(
    [
      'RSS at 10% / 25% / 50% / 75% / 95%',
      'steady RSS (min-max)',
      'peak RSS',
      'drained',
      'received from API',
      'received / drained',
      'exit',
    ],
    [
      [
        `${Object.values(s.rssAt)
          .map((v) => (v === null ? '-' : `${v}`))
          .join(' / ')} MB`,
        `${s.rssSteadyMinMB}-${s.rssSteadyMaxMB} MB`,
        `${s.peakRssMB} MB`,
        mb(s.outputBytesDrained),
        mb(s.bytesReceived),
        s.receivedOverDrained,
        s.exitCode ?? '-',
      ],
    ],
  );
}

const incrementalRow = (name: string, x: any): (string | number)[] => [
  name,
  fmt(x.records),
  x.requests,
  x.wallSeconds,
  x.cpuSeconds,
  mb(x.bytesReceived),
  `${x.peakRssMB} MB`,
];

export function incrementalReport(md: Markdown, i: any): void {
  const share = ((i.editedOrders / i.orders) * 100).toFixed(1);
  md.push(
    `### 6. Incremental: ${fmt(i.editedOrders)} of ${fmt(i.orders)} orders (${share}%) edited, ` +
      "run resumed from the full run's STATE",
    '',
  );
  md.table(
    ['run', 'records', 'requests', 'wall s', 'CPU s', 'bytes received', 'peak RSS'],
    [
      incrementalRow('full', i.full),
      incrementalRow('incremental, nothing changed', i.unchanged),
      incrementalRow('incremental, after edits', i.afterEdits),
      [
        'after edits / full',
        '',
        `${(i.requestsOverFull * 100).toFixed(1)}%`,
        `${(i.wallOverFull * 100).toFixed(1)}%`,
        '',
        `${(i.bytesOverFull * 100).toFixed(2)}%`,
        '',
      ],
    ],
  );
}
