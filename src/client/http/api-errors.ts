// What a failed request becomes: an ApiError with a stable code that says what went wrong and what to do
// (the underlying error as its cause), never the API key or any header. The client states facts; whether a
// later run may resume is for the layer above to say (ApiError.transient).
import { HTTPError, RequestError, type Response } from 'got';
import { ApiError } from '../../common/errors.js';
import { RETRY_STATUS, UNREACHABLE_CODES } from './retry.js';
import type { HttpOptions } from './types.js';

/** A response abandoned because it was larger than the caller can hold. */
export class ResponseTooLargeError extends Error {
  /** bytes: the whole size when `complete` (Content-Length), else what had arrived. */
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
    readonly complete: boolean,
  ) {
    super(`the response is ${bytes} bytes or more, over the ${maxBytes} bytes allowed`);
  }
}

export function parseJsonBody(response: Response<string>, path: string): unknown {
  try {
    return JSON.parse(response.body);
  } catch (error) {
    const type = String(response.headers['content-type'] ?? 'no content-type');
    throw new ApiError(
      'API_NOT_JSON',
      `GET /${path} returned HTTP ${response.statusCode} with a body that is not JSON ` +
        `(${type}, starting ${JSON.stringify(response.body.slice(0, 40))}).`,
      'The API or its CDN answered with a page instead of data; check base_url, and try again later.',
      response.statusCode,
      { cause: error },
    );
  }
}

function httpErrorHint(status: number): string {
  if (RETRY_STATUS.includes(status)) return 'The API kept failing; run again later.';
  // The list endpoint exists on every account: a 404 there is a base_url without the API's path.
  if (status === 404)
    return 'Check base_url: it must be the API root, ending in /api/v1 (https://app.inventory-planner.com/api/v1).';
  return 'Check the request settings.';
}

export function toApiError(
  error: unknown,
  path: string,
  options: Pick<HttpOptions, 'maxRetries' | 'timeoutMs' | 'baseUrl'>,
): ApiError {
  const attempts = `after ${options.maxRetries + 1} attempt(s)`;
  const cause = { cause: error };
  if (error instanceof HTTPError) {
    const status = error.response.statusCode;
    const body = String(error.response.body ?? '');
    const html = /^\s*</.test(body) || String(error.response.headers['content-type'] ?? '').includes('html');
    if (status === 403 && html) {
      return new ApiError(
        'API_AUTH_FAILED',
        `GET /${path} was blocked by the API's CDN (HTTP 403 with an HTML page).`,
        'Check that user_agent is set and base_url is right; if it persists, the CDN is blocking this network.',
        status,
        cause,
      );
    }
    if (status === 401 || status === 403) {
      return new ApiError(
        'API_AUTH_FAILED',
        `The API rejected the credentials (HTTP ${status}) for GET /${path}.`,
        "Check api_key and account_id (Inventory Planner: Account > Settings > API); the key's user needs full access.",
        status,
        cause,
      );
    }
    const detail = html ? 'an HTML error page' : JSON.stringify(body.slice(0, 200));
    const retried = RETRY_STATUS.includes(status);
    return new ApiError(
      'API_HTTP_ERROR',
      `GET /${path} failed with HTTP ${status}${retried ? ` ${attempts}` : ''}: ${detail}.`,
      httpErrorHint(status),
      status,
      { cause: error, transient: retried },
    );
  }
  if (error instanceof RequestError && UNREACHABLE_CODES.includes(error.code)) {
    const { host, hostname } = new URL(options.baseUrl);
    const what =
      error.code === 'ENOTFOUND' ? `the host ${host} does not exist` : `nothing accepts connections at ${host}`;
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
    const sandbox = '; for the sandbox, start it first and use the base_url it prints.';
    return new ApiError(
      'API_NETWORK_ERROR',
      `GET /${path} failed: ${what} (${error.code}).`,
      `Check base_url (${options.baseUrl})${local ? sandbox : ' and the network.'}`,
      undefined,
      cause,
    );
  }
  if (error instanceof RequestError) {
    const what =
      error.code === 'ETIMEDOUT'
        ? `timed out after ${options.timeoutMs / 1000}s`
        : `failed (${error.code ?? error.message})`;
    return new ApiError(
      'API_NETWORK_ERROR',
      `GET /${path} ${what} ${attempts}.`,
      'Check base_url and the network, or raise request_timeout / max_retries.',
      undefined,
      { cause: error, transient: true },
    );
  }
  return new ApiError(
    'API_NETWORK_ERROR',
    `GET /${path} failed: ${(error as Error).message}.`,
    undefined,
    undefined,
    cause,
  );
}
