/**
 * Return values outside the documented table: the error says what the value is (undocumented, and where it falls
 * by the CIM convention, labelled inferred) and what to do; one call, nothing retried, the host left as it was.
 */
import { describe, expect, it } from "vitest";
import { hostState, inputs, methods, rejection, setup, where } from "./fixtures";

const TABLE = "Msvm_CollectionReplicationService documents 0, 4096 and 32768-32779";
const ADVICE =
  "Hyper-V's documentation does not say what this value means, so the call may or may not have changed something. Refresh the stack (pulumi refresh) to record the collection's real state, read the Microsoft-Windows-Hyper-V-VMMS-Admin event log on the host at the time of the call, then run again; if the value repeats, report it with the host's Windows version";
const message = (code: number, what: string) =>
  `Hyper-V refused the call: InitiateFailover returned ${code} (undocumented: ${TABLE}; ${code} is ${what} (inferred from the CIM convention)) ${where("InitiateFailover")}. ${ADVICE}`;

describe("a failover method answers with a return value the docs do not list", () => {
  it.each([
    [40000, "in the vendor range (32768-65535), so a Hyper-V code its documentation leaves out"],
    [32780, "in the vendor range (32768-65535), so a Hyper-V code its documentation leaves out"],
    [
      5,
      "in CIM's common codes (1 Not Supported, 2 Unknown, 3 Timeout, 4 Failed, 5 Invalid Parameter, 6 In Use)",
    ],
    [100, "in the range CIM reserves to the DMTF (7-4095)"],
    [5000, "in the range CIM reserves to each method (4097-32767)"],
    [70000, "0x11170, above every range CIM defines for return values"],
    [2147749889, "0x80041001, shaped like an HRESULT (0x8004xxxx is a WMI error), not a method return value"],
  ])("%i says what it is and what to do, after one call", async (code, what) => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code, times: "always" });

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(message(code, what));
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect((await sim.calls()).map((c) => c.returnValue)).toEqual([code, 0]);
    expect(await hostState(sim)).toBe(3);
    expect(error.properties).toMatchObject({
      failoverState: "normal",
      replicationState: 3,
      lastOperation: null,
    });
  });

  it("a documented value keeps its name and advice", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32779, times: "always" });
    const error = await rejection(rt.create(inputs("failedOver")));
    expect(error.message).toBe(
      `Hyper-V refused the call: InitiateFailover returned 32779 (File not found) ${where("InitiateFailover")}. A file of the collection's VMs is missing on the replica storage; check the replica VMs' storage paths`,
    );
  });
});
