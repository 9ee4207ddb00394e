/**
 * A VM group made, edited and destroyed through Msvm_CollectionManagementService, held to the same contract by every
 * CIM seam: the service is named by the keys the host lists, a member VM goes in as a REF to its Msvm_ComputerSystem,
 * and names travel as data.
 */
import { expect, it } from "vitest";
import type { MethodOptions } from "../../provider/hyperv";
import {
  DEFAULT_POLLING,
  DEFAULT_READ_RETRIES,
  defineCollection,
  destroyCollection,
  findCollection,
  findVms,
  membershipCall,
  readMembers,
  renameCollection,
} from "../../provider/hyperv";
import type { ContractWorld } from "./contract";

const GROUP = "5f0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

export function vmGroupContract(world: () => Promise<ContractWorld>): void {
  it("makes a VM group: DefineCollection, AddMember and RemoveMember by the VM's REF, RenameCollection, DestroyCollection", async () => {
    const { sim, clock, session } = await world();
    const [app] = await sim.addVirtualMachines(["app-'a'"]);
    const options: MethodOptions = {
      clock,
      timeoutSeconds: 60,
      polling: DEFAULT_POLLING,
      cancelOnTimeout: false,
      progress: () => undefined,
      busyRetries: { attempts: 0, initialDelayMs: 0 },
      readRetries: DEFAULT_READ_RETRIES,
    };
    const context = { collection: "app", host: session.target };

    const defined = await defineCollection(session, { name: "app", id: GROUP }, context, options);
    expect(defined.id).toBe(GROUP);
    const [vm] = await findVms(session, ["app-'a'"], context);
    expect(vm).toEqual({ id: app!.id, name: "app-'a'" });
    await membershipCall(session, "AddMember", GROUP, vm!.id, context, options);
    expect(await readMembers(session, GROUP, context)).toMatchObject([{ id: app!.id, name: "app-'a'" }]);
    await renameCollection(session, GROUP, 'app "tier"; $(whoami)', context, options);
    expect((await findCollection(session, { id: GROUP }))?.name).toBe('app "tier"; $(whoami)');
    await membershipCall(session, "RemoveMember", GROUP, vm!.id, context, options);
    await destroyCollection(session, GROUP, context, options);
    expect(await findCollection(session, { id: GROUP })).toBeUndefined();

    expect((await sim.calls()).map((c) => [c.className, c.method, c.returnValue])).toEqual([
      ["Msvm_CollectionManagementService", "DefineCollection", 0],
      ["Msvm_CollectionManagementService", "AddMember", 4096],
      ["Msvm_CollectionManagementService", "RenameCollection", 4096],
      ["Msvm_CollectionManagementService", "RemoveMember", 4096],
      ["Msvm_CollectionManagementService", "DestroyCollection", 0],
    ]);
  });
}
