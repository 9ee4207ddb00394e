export { CollectionFailover } from "./collectionFailover";
export type {
  CollectionFailoverArgs,
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
} from "./collectionFailover";
export type { DesiredState, ObservedState } from "./failover/states";
export type { Authentication, Transport } from "./types";
