// Reads the tap's log (stderr): `<timestamp> LEVEL tap-inventory-planner: message` lines.

/** The ERROR and CRITICAL lines. */
export const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));

/** A log line without its timestamp. */
export const withoutTimestamp = (line: string): string => line.replace(/^\S+ /, '');

/** Records by stream, from the tap's `done:` line. */
export function recordsByStream(stderr: string): Record<string, number> {
  const done = /INFO tap-inventory-planner: done: (.*?) \(/.exec(stderr);
  return Object.fromEntries(
    (done?.[1] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => {
        const [k, v] = kv.split('=');
        return [k!, Number(v)];
      }),
  );
}
