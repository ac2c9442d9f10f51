// The Inventory Planner HTTP client: one configured got instance. Auth headers, timeouts, the retry policy
// (retry.ts: exponential backoff + jitter honouring Retry-After), an optional request-rate cap, and errors
// that say what to do (api-errors.ts). Knows nothing of endpoints or Singer; never puts the API key in a message.
import got, { type Got, type Response } from 'got';
import { parseJsonBody, ResponseTooLargeError, toApiError } from './api-errors.js';
import { RateLimiter } from './rate-limiter.js';
import { backoffDelay, MAX_RETRY_AFTER_MS, RETRY_ERROR_CODES, RETRY_STATUS } from './retry.js';
import type { ApiClient, HttpOptions, HttpStats, Query } from './types.js';

export function createApiClient(options: HttpOptions): ApiClient {
  const stats: HttpStats = { requests: 0, retries: 0, bytes: 0 };
  const limiter = options.maxRequestsPerSecond ? new RateLimiter(options.maxRequestsPerSecond) : undefined;
  const endpointOf = (url: URL | string): string => new URL(url).pathname;
  const hostAndPath = (url: URL | string): string => {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  };

  const instance: Got = got.extend({
    prefixUrl: `${options.baseUrl}/`,
    headers: {
      authorization: options.apiKey,
      account: options.accountId,
      'user-agent': options.userAgent,
      accept: 'application/json',
    },
    timeout: { request: options.timeoutMs },
    responseType: 'text',
    retry: {
      limit: options.maxRetries,
      methods: ['GET'],
      statusCodes: RETRY_STATUS,
      errorCodes: RETRY_ERROR_CODES,
      maxRetryAfter: MAX_RETRY_AFTER_MS,
      enforceRetryRules: true,
      calculateDelay: ({ attemptCount, retryAfter, computedValue, error }) => {
        if (computedValue === 0) return 0;
        const delay = retryAfter || backoffDelay(attemptCount, options.retryInitialMs, options.retryMaxMs);
        // Said before the wait, so that a long Retry-After is not a silent pause.
        const why = error.response ? `HTTP ${error.response.statusCode}` : (error.code ?? error.name);
        options.log.warn(
          `GET ${hostAndPath(error.options.url ?? '')} failed with ${why}; retry ${attemptCount} of ` +
            `${options.maxRetries} in ${(delay / 1000).toFixed(1)}s${retryAfter ? ' (Retry-After)' : ''}`,
        );
        return delay;
      },
    },
    hooks: {
      beforeRequest: [
        async () => {
          if (limiter) await limiter.take();
          stats.requests += 1;
        },
      ],
      afterResponse: [
        (response: Response) => {
          stats.bytes += response.rawBody?.length ?? 0;
          options.onAttempt?.({
            endpoint: endpointOf(response.url),
            status: response.statusCode,
            seconds: (response.timings.phases.total ?? 0) / 1000,
            ok: response.ok,
          });
          return response;
        },
      ],
      beforeRetry: [
        (error) => {
          stats.retries += 1;
          if (!error.response) {
            options.onAttempt?.({
              endpoint: endpointOf(error.options.url ?? ''),
              seconds: (error.timings?.phases.total ?? 0) / 1000,
              ok: false,
            });
          }
        },
      ],
    },
  });

  const get = async (path: string, query: Query, maxBytes?: number): Promise<{ body: unknown; bytes: number }> => {
    const searchParams = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    options.log.debug(`GET /${path}?${searchParams.toString()}`);
    let response: Response<string>;
    let tooLarge: ResponseTooLargeError | undefined;
    try {
      const request = instance.get(path, { searchParams });
      if (maxBytes !== undefined) {
        // Content-Length (when sent) stops it before the body arrives, the bytes counted so far otherwise.
        request.on('downloadProgress', ({ transferred, total }) => {
          const bytes = Math.max(transferred, total ?? 0);
          if (bytes > maxBytes && !tooLarge) {
            tooLarge = new ResponseTooLargeError(bytes, maxBytes, total !== undefined);
            request.cancel();
          }
        });
      }
      response = await request;
    } catch (error) {
      if (tooLarge) throw tooLarge;
      throw toApiError(error, path, options);
    }
    return { body: parseJsonBody(response, path), bytes: response.rawBody?.length ?? Buffer.byteLength(response.body) };
  };

  return {
    stats,
    async getJson(path, query = {}) {
      return (await get(path, query)).body;
    },
    getJsonSized: get,
  };
}
