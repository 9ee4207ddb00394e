import { expect } from "vitest";
import type { CimRef } from "../../provider/cim";
import { FakeClock } from "../../provider/clock";
import { HyperVSimulator, type SimRecoveryPoint, type SimulatorOptions } from "../../provider/simulator";

/** FakeClock's default start, 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);
export const T0_CIM = "20260101000000.000000+000";

export const PAYROLL_ID = "6F1E0B8A-2C4D-4E5F-8A9B-0C1D2E3F4A5B";
export const BILLING_ID = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D";

export const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
export const anyGuid = () => expect.stringMatching(GUID);

export const SERVICE: CimRef = {
  className: "Msvm_CollectionReplicationService",
  keys: {
    CreationClassName: "Msvm_CollectionReplicationService",
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: "hv-sim",
  },
};

export const collectionRef = (id: string): CimRef => ({
  className: "Msvm_VirtualSystemCollection",
  keys: { CollectionID: id },
});

export const jobRef = (instanceId: string): CimRef => ({
  className: "Msvm_ConcreteJob",
  keys: { InstanceID: instanceId },
});

export const pointRef = (point: SimRecoveryPoint): CimRef => ({
  className: "Msvm_CollectionRecoveryPoint",
  keys: { InstanceID: point.instanceId, CollectionID: point.collectionId },
});

/** A simulator on a fake clock at T0, and a session on it. */
export function setup(options: SimulatorOptions = {}) {
  const clock = new FakeClock(T0);
  const sim = new HyperVSimulator({ clock, ...options });
  return { clock, sim, session: sim.session() };
}

/** The job InstanceID out of a 4096 answer. */
export function jobIdOf(result: { outParameters: Readonly<Record<string, unknown>> }): string {
  const job = result.outParameters["Job"] as CimRef;
  return String(job.keys["InstanceID"]);
}
