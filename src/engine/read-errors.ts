// What the engine adds to an API failure: a failure that may pass (ApiError.transient) leaves the last STATE
// safe to resume from, which only the engine can say.
import { ApiError } from '../common/errors.js';

/** `batches`, with a transient API failure's hint saying that the last STATE is safe to resume from. */
export async function* resumableFailures<T>(batches: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* batches;
  } catch (error) {
    if (!(error instanceof ApiError) || !error.transient || !error.hint) throw error;
    const hint = `${error.hint.replace(/\.$/, '')} (the last STATE is safe to resume from).`;
    throw new ApiError(error.code as ApiErrorCode, error.message, hint, error.status, {
      cause: error,
      transient: true,
    });
  }
}

type ApiErrorCode = ConstructorParameters<typeof ApiError>[0];
