// The one retry policy: which failures are retried, how long to wait between attempts, and how long a
// Retry-After may make the client wait.

/** Statuses worth retrying (an error after them says the API kept failing). */
export const RETRY_STATUS = [408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524];

// Not ECONNREFUSED (nothing listens at that host and port) nor ENOTFOUND (the name does not exist): retrying
// them for minutes only delays the answer, which is almost always a wrong base_url (api-errors.ts says so).
// EAI_AGAIN, a DNS server that could not answer, is retried.
export const RETRY_ERROR_CODES = [
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
];

/** Never retried: they mean a wrong base_url far more often than a passing fault. */
export const UNREACHABLE_CODES = ['ECONNREFUSED', 'ENOTFOUND'];

// Retry-After is the server's explicit instruction; waiting less is pointless, waiting longer than this is
// unreasonable.
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
  return ceiling / 2 + random() * (ceiling / 2); // "equal jitter": never zero, never in lock-step
}
