export { CollectionFailover } from "./resources/collectionFailover/collectionFailover";
export type {
  CollectionFailoverArgs,
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
} from "./resources/collectionFailover/collectionFailover";
export type { DesiredState, ObservedState } from "./failover/states";
export type { Authentication, Transport } from "./runtime/types";
export { ReplicatedCollection } from "./resources/replicatedCollection/replicatedCollection";
export type {
  ChangeOutput,
  MemberOutput,
  ReplicatedCollectionArgs,
  SiteArgs,
  SiteOutput,
  StepOutput,
} from "./resources/replicatedCollection/replicatedCollection";
