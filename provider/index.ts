export { CollectionFailover } from "./resources/collectionFailover/collectionFailover";
export type {
  CollectionFailoverArgs,
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
} from "./resources/collectionFailover/collectionFailover";
export type { DesiredState, ObservedState } from "./failover/states";
export type { Authentication, Transport } from "./runtime/types";
