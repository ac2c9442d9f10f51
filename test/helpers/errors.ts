import { expect } from 'vitest';
import { InputFileError } from '../../src/errors.js';

/** Runs fn and returns the InputFileError it must throw. */
export function inputFileError(fn: () => unknown): InputFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as InputFileError).code).toBe('INPUT_FILE_INVALID');
    return error as InputFileError;
  }
  throw new Error('expected an InputFileError, nothing was thrown');
}
