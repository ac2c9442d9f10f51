// The tap's error family. Every error the tap raises on purpose is a TapError with a stable code;
// cli.ts prints it as one line (code, message, what to do) and exits non-zero.

export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_FILE_INVALID'
  | 'API_AUTH_FAILED'
  | 'API_HTTP_ERROR'
  | 'API_NOT_JSON'
  | 'API_NETWORK_ERROR'
  | 'API_CONTRACT_VIOLATED'
  | 'API_PAGE_TOO_LARGE'
  | 'RECORD_INVALID'
  | 'OUTPUT_CLOSED'
  | 'BATCH_WRITE_FAILED';

export class TapError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TapError';
  }

  /** The one line cli.ts prints. */
  toLine(): string {
    return `${this.code}: ${this.message}${this.hint ? ` ${this.hint}` : ''}`;
  }
}

export class ConfigError extends TapError {
  constructor(message: string, hint = 'Fix the config and run again.') {
    super('CONFIG_INVALID', message, hint);
    this.name = 'ConfigError';
  }
}

export class InputFileError extends TapError {
  constructor(message: string, hint?: string) {
    super('INPUT_FILE_INVALID', message, hint);
    this.name = 'InputFileError';
  }
}

/** An HTTP/API failure after retries were spent, or one that must not be retried. */
export class ApiError extends TapError {
  constructor(
    code: Extract<ErrorCode, `API_${string}`>,
    message: string,
    hint?: string,
    readonly status?: number,
  ) {
    super(code, message, hint);
    this.name = 'ApiError';
  }
}

/** A value from the API that cannot be written under the stream's schema. */
export class RecordError extends TapError {
  constructor(message: string) {
    super(
      'RECORD_INVALID',
      message,
      'Nothing after the last STATE was committed; report the value to the tap maintainers.',
    );
    this.name = 'RecordError';
  }
}

export function isTapError(error: unknown): error is TapError {
  return error instanceof TapError;
}
