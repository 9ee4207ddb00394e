/**
 * A keyed or filtered query picks stored records before rendering them (model/filter.ts), on properties each class
 * renders as a record's own field. Each pick must give exactly what the rendered instance shows, or a query would
 * miss instances a real host returns.
 */
import { describe, expect, it } from "vitest";
import type { CimInstance, CimValue } from "../../provider/cim";
import {
  COLLECTION_PICKS,
  JOB_PICKS,
  MEMBER_PICKS,
  POINT_PICKS,
} from "../../provider/simulator/model/classes";
import type { Picks } from "../../provider/simulator/model/filter";
import {
  collectionInstance,
  computerSystemInstance,
  jobInstance,
  recoveryPointInstance,
} from "../../provider/simulator/model/render";
import type {
  StoredCollection,
  StoredJob,
  StoredMember,
  StoredRecoveryPoint,
} from "../../provider/simulator/store/state";

const member: StoredMember = { id: "6A1B0E5C-2F41-4C1B-9A43-0D2C5E7F8A90", name: "pay-db" };
const collection: StoredCollection = {
  id: "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
  name: "payroll",
  replicationState: 3,
  replicationMode: 2,
  failedOverReplicationType: 0,
  members: [member],
  lastApplyTime: 1_767_225_600_000,
  lastApplyConsistencyLevel: 1,
};
const point: StoredRecoveryPoint = {
  instanceId: "Microsoft:9B2C1D3E-4F5A-4B6C-8D7E-9F0A1B2C3D4E",
  collectionId: collection.id,
  creationTime: 1_767_225_600_000,
  consistencyLevel: 1,
  virtualMachineIds: [member.id],
};
const job: StoredJob = {
  instanceId: "0C1D2E3F-4A5B-4C6D-8E7F-901A2B3C4D5E",
  method: "InitiateFailover",
  jobType: 94,
  collectionId: collection.id,
  submittedAt: 1_767_225_600_000,
  durationMs: 10_000,
  timeBeforeRemovalMs: 300_000,
  cancellable: false,
  hangs: false,
  plannedEnd: { jobState: 7, errorCode: 0, errorDescription: "", errorSummaryDescription: "" },
  restore: { replicationState: 3, failedOverReplicationType: 0 },
};

function picked<R>(picks: Picks<R>, record: R): Record<string, CimValue> {
  return Object.fromEntries(Object.entries(picks).map(([name, pick]) => [name, pick(record)]));
}

const shown = (instance: CimInstance, names: string[]) =>
  Object.fromEntries(names.map((name) => [name, instance.properties[name]]));

describe("the properties a query picks records by", () => {
  it.each([
    ["collection", picked(COLLECTION_PICKS, collection), collectionInstance(collection)],
    ["recovery point", picked(POINT_PICKS, point), recoveryPointInstance(point)],
    ["job", picked(JOB_PICKS, job), jobInstance(job, job.submittedAt + 1000)],
    ["member VM", picked(MEMBER_PICKS, member), computerSystemInstance(collection, member, 0)],
  ])("are what the %s renders", (_what, picks, instance) => {
    expect(Object.keys(picks).length).toBeGreaterThan(0);
    expect(picks).toEqual(shown(instance, Object.keys(picks)));
  });
});
