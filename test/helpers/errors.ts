import { expect } from 'vitest';
import { InputFileError, RecordError, type ErrorCode, type TapError } from '../../src/common/errors.js';

/** Runs fn and returns the TapError of the given class and code that it must throw. */
function tapError<E extends TapError>(
  fn: () => unknown,
  kind: abstract new (...args: never[]) => E,
  code: ErrorCode,
): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    expect((error as E).code).toBe(code);
    return error as E;
  }
  throw new Error(`expected a ${kind.name}, nothing was thrown`);
}

export const inputFileError = (fn: () => unknown): InputFileError => tapError(fn, InputFileError, 'INPUT_FILE_INVALID');
export const recordError = (fn: () => unknown): RecordError => tapError(fn, RecordError, 'RECORD_INVALID');
