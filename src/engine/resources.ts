// The resource readers, in sync order.
import { COLLECTIONS, type CollectionName } from '../client/collections.js';
import { collectionResource } from './collection-resource.js';
import { purchaseOrdersResource } from './purchase-order-resource.js';
import type { AnyResourceReader } from './resource.js';

export const RESOURCES: AnyResourceReader[] = [
  purchaseOrdersResource,
  ...(Object.keys(COLLECTIONS) as CollectionName[]).map(collectionResource),
];
