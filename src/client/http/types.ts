// What the HTTP part offers the layers above, and what it is configured with.

/** Query parameters of a GET. */
export type Query = Record<string, string | number>;

export interface HttpOptions {
  baseUrl: string;
  apiKey: string;
  accountId: string;
  userAgent: string;
  timeoutMs: number;
  maxRetries: number;
  retryInitialMs: number;
  retryMaxMs: number;
  maxRequestsPerSecond?: number;
  log: { debug(message: string): void; warn(message: string): void };
  /** Called once per HTTP attempt (also failed ones), for metrics. */
  onAttempt?: (attempt: { endpoint: string; status?: number; seconds: number; ok: boolean }) => void;
}

export interface HttpStats {
  requests: number;
  retries: number;
  bytes: number;
}

export interface ApiClient {
  getJson(path: string, query?: Query): Promise<unknown>;
  /** The body and its size in bytes; a body larger than maxBytes is abandoned with ResponseTooLargeError. */
  getJsonSized?(path: string, query: Query, maxBytes: number): Promise<{ body: unknown; bytes: number }>;
  readonly stats: HttpStats;
}
