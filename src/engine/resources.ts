// The resource readers, in sync order: one per endpoint of the endpoint table.
import {
  ENDPOINTS,
  isIncremental,
  type CollectionName,
  type EndpointName,
  type IncrementalName,
} from '../client/endpoints.js';
import { collectionResource } from './collection-resource.js';
import { incrementalResource } from './incremental-resource.js';
import type { AnyResourceReader } from './resource.js';

export const RESOURCES: AnyResourceReader[] = (Object.keys(ENDPOINTS) as EndpointName[]).map((name) =>
  isIncremental(ENDPOINTS[name])
    ? incrementalResource(name as IncrementalName)
    : collectionResource(name as CollectionName),
);
