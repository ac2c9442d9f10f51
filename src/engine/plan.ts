// What each selected stream does in this run, from what it and its resource declare: a stream of a resource
// read in full is a FULL_TABLE pass whatever the catalog says; one of an incremental resource follows its
// catalog method (and full_table_every_days); a history stream is never a pass, nor taken along by one.
import type { SingerCatalog } from '../generated/schemas.js';
import { type Selection, selectStreams } from '../singer/catalog.js';
import { planStream, planStreams, type StreamPlan } from '../singer/full-table.js';
import type { State } from '../singer/state.js';
import type { Stream } from '../streams/stream.js';
import type { AnyResourceReader } from './resource.js';

export interface SelectedStream {
  selection: Selection;
  stream: Stream;
  resource: AnyResourceReader;
}

/** The catalog's selection (every stream selected by default without one), with each stream's resource. */
export function selectRun(
  catalog: SingerCatalog | undefined,
  streams: Stream[],
  resources: AnyResourceReader[],
): SelectedStream[] {
  return selectStreams(
    catalog,
    streams.map((s) => s.descriptor),
  ).map((selection) => {
    const stream = streams.find((s) => s.descriptor.name === selection.stream)!;
    const resource = resources.find((r) => r.name === stream.resource);
    if (!resource) throw new Error(`${stream.descriptor.name}: no reader for its resource ${stream.resource}`);
    return { selection, stream, resource };
  });
}

export function planRun(
  state: State,
  selected: SelectedStream[],
  runStartMs: number,
  everyDays: number | undefined,
): StreamPlan[] {
  const passable = selected.filter((s) => !s.stream.history);
  const passes = planStreams(
    state,
    passable.map((s) => ({
      stream: s.selection.stream,
      method: s.resource.replicationKey ? s.selection.replicationMethod : 'FULL_TABLE',
    })),
    runStartMs,
    everyDays,
  );
  return selected.map(
    ({ selection }) =>
      passes.find((p) => p.stream === selection.stream) ??
      planStream(state, selection.stream, 'INCREMENTAL', runStartMs),
  );
}
