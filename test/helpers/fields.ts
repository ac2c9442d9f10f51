import { ALL_FIELDS, type Fields } from '../../src/client/paging/projection.js';

/** The fields a stream names; fails the test when it asks for the whole record instead. */
export function namedFields(fields: Fields): readonly string[] {
  if (fields === ALL_FIELDS) throw new Error('expected named fields, got ALL_FIELDS (the whole record)');
  return fields;
}
