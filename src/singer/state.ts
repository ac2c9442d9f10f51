// Singer state in the Meltano SDK shape: {"bookmarks": {"<stream>": {"replication_key", "replication_key_value"}}}.
// Pure helpers; other keys in an incoming state are carried through untouched.
import { InputFileError } from '../common/errors.js';
import type { TapState } from '../generated/schemas.js';
import { describeErrors, validateState } from '../common/validation.js';

export type State = TapState & Record<string, unknown>;
export interface Bookmark {
  replication_key: string;
  replication_key_value: string;
}

/**
 * Accepts exactly what the tap emits as STATE value, and the forms it commonly arrives in: what a target
 * prints (the bare value), a STATE message line, or Meltano's {"singer_state": ...} wrapper. An empty file is no state.
 */
export function parseState(text: string, path: string): State {
  if (text.trim() === '') return {};
  const lines = text.trim().split('\n');
  let parsed: unknown;
  try {
    // One JSON document (possibly pretty-printed), else a run's whole output: the tap's (its last STATE message,
    // even when a run that failed wrote records after it) or a target's (its last line, the latest state).
    const lastState = lines.findLast((line) => /^\s*\{\s*"type"\s*:\s*"STATE"/.test(line));
    parsed = parseJson(text) ?? JSON.parse(lastState ?? lines[lines.length - 1]!);
  } catch (error) {
    throw new InputFileError(
      `state file ${path} is not valid JSON (${(error as Error).message}).`,
      'Pass the last STATE value the tap or target printed, or no --state for a full sync.',
    );
  }
  if (isObject(parsed) && parsed.type === 'STATE' && isObject(parsed.value)) parsed = parsed.value;
  if (isObject(parsed) && isObject(parsed.singer_state)) parsed = parsed.singer_state;
  if (!isObject(parsed) || !validateState(parsed)) {
    const why = isObject(parsed) ? describeErrors(validateState.errors).join('; ') : 'it must be a JSON object';
    throw new InputFileError(
      `state file ${path} has the wrong shape: ${why}.`,
      'Expected {"bookmarks": {"<stream>": {"replication_key": "last_modified", ' +
        '"replication_key_value": "<RFC 3339>"}}}.',
    );
  }
  return parsed as State;
}

export function getBookmark(state: State, stream: string, replicationKey: string): string | undefined {
  const bookmark = state.bookmarks?.[stream];
  if (!bookmark || bookmark.replication_key !== replicationKey) return undefined;
  return bookmark.replication_key_value;
}

/** Sets the stream's bookmark; other keys of the stream's entry (a full-table pass's bookkeeping) are kept. */
export function withBookmark(state: State, stream: string, bookmark: Bookmark): State {
  return { ...state, bookmarks: { ...state.bookmarks, [stream]: { ...state.bookmarks?.[stream], ...bookmark } } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
