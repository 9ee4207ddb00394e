/**
 * VmGroup through the real native plugin on the simulator: the exact Msvm_CollectionManagementService calls the host
 * receives for create, member changes and rename, and the outputs read back from the host; import and a refused
 * destroy call nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import type { HyperVSimulator, MethodCall, SimMember } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, useNativePlugins } from "./fixtures";

const TYPE = tokenOf("VmGroup");
const SERVICE = "Msvm_CollectionManagementService";
const f = useNativePlugins();

const group = (id: string) => ({ className: "Msvm_VirtualSystemCollection", keys: { CollectionID: id } });
const vm = (id: string) => ({
  className: "Msvm_ComputerSystem",
  keys: { CreationClassName: "Msvm_ComputerSystem", Name: id },
});
/** A call as the host logged it, with the fields a test can know in advance. */
const call = (method: string, args: Record<string, unknown>, returnValue: number, collectionId?: string) => ({
  at: expect.any(Number),
  className: SERVICE,
  method,
  arguments: args,
  returnValue,
  ...(returnValue === 4096 ? { jobId: expect.any(String) } : {}),
  ...(collectionId !== undefined ? { collectionId } : {}),
});
const member = ({ name, id }: SimMember) => ({ name, id });

describe("VmGroup", () => {
  const urn = urnOf(TYPE, "app");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let vms: Record<string, SimMember>;
  let id: string;
  let outs: Record<string, unknown>;
  /** The inputs the last step applied, which the engine sends to Diff as the old inputs. */
  let applied: Record<string, unknown>;
  const since = async (n: number): Promise<MethodCall[]> => (await sim.calls()).slice(n);

  beforeAll(async () => {
    sim = await f.simulator("groups.json", [{ id: SQL, name: "sql-cluster" }], 300);
    const added = await sim.addVirtualMachines(["app-a", "app-b", "app-c"]);
    vms = Object.fromEntries(added.map((v) => [v.name, v]));
    plugin = await f.pluginFor("groups.json");
  });

  it("create: DefineCollection (type 0, with the Id the provider chose), then AddMember per VM; outputs as the host shows", async () => {
    const checked = await plugin.check(urn, {}, { name: "app", members: ["app-a", vms["app-b"]!.id] });
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(urn, checked.inputs);
    ({ id, outs } = created);
    applied = checked.inputs;
    expect(await since(0)).toEqual([
      call("DefineCollection", { Name: "app", Id: id, Type: 0 }, 0),
      call("AddMember", { Member: vm(vms["app-a"]!.id), Collection: group(id) }, 4096, id),
      call("AddMember", { Member: vm(vms["app-b"]!.id), Collection: group(id) }, 4096, id),
    ]);
    expect(outs).toEqual({
      collectionId: id,
      name: "app",
      memberVms: [member(vms["app-a"]!), member(vms["app-b"]!)],
      members: ["app-a", vms["app-b"]!.id],
      replicationState: 0,
      hostSystemName: "groups.json",
      jobTimeoutSeconds: 1800,
      connection: null,
    });
    expect((await sim.collection(id))?.members.map((m) => m.name)).toEqual(["app-a", "app-b"]);
  });

  /** Check, Diff (which must be an in-place update) and Update, as the engine runs them; returns the calls made. */
  async function up(program: Record<string, unknown>): Promise<MethodCall[]> {
    const news = (await plugin.check(urn, applied, program)).inputs;
    const diff = await plugin.diff(urn, id, outs, news, applied);
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual({ changes: 2, replaces: [] });
    const before = (await sim.calls()).length;
    outs = await plugin.update(urn, id, outs, news);
    applied = news;
    return since(before);
  }

  it("members change in place: RemoveMember for the VM left out, AddMember for the new one, by id", async () => {
    expect(await up({ name: "app", members: ["app-b", "app-c"] })).toEqual([
      call("RemoveMember", { Member: vm(vms["app-a"]!.id), Collection: group(id) }, 4096, id),
      call("AddMember", { Member: vm(vms["app-c"]!.id), Collection: group(id) }, 4096, id),
    ]);
    expect(outs.memberVms).toEqual([member(vms["app-b"]!), member(vms["app-c"]!)]);
    expect(outs.members).toEqual(["app-b", "app-c"]);
  });

  it("rename is an in-place update: RenameCollection with the new name, and the host's name is recorded", async () => {
    expect(await up({ name: "app-tier", members: ["app-b", "app-c"] })).toEqual([
      call("RenameCollection", { Collection: group(id), NewName: "app-tier" }, 4096, id),
    ]);
    expect({ name: outs.name, id: outs.collectionId }).toEqual({ name: "app-tier", id });
    expect((await sim.collection(id))?.name).toBe("app-tier");
  });

  it("the same members by id instead of name: only the recorded input changes, and nothing is called", async () => {
    const program = { name: "app-tier", members: [vms["app-c"]!.id, "app-b"] };
    const news = (await plugin.check(urn, applied, program)).inputs;
    const diff = await plugin.diff(urn, id, outs, news, applied);
    expect({ changes: diff.changes, diffs: diff.diffs }).toEqual({ changes: 2, diffs: ["members"] });
    expect(await up(program)).toEqual([]);
    expect(outs.memberVms).toEqual([member(vms["app-b"]!), member(vms["app-c"]!)]);
  });

  it("import reads the group by CollectionID and returns its inputs, with no call", async () => {
    const before = (await sim.calls()).length;
    const read = await plugin.read(urnOf(TYPE, "imported"), id, {}, {});
    expect(read).toEqual({
      id,
      inputs: { name: "app-tier", members: ["app-b", "app-c"], jobTimeoutSeconds: 1800 },
      props: { ...outs, members: ["app-b", "app-c"] },
    });
    expect(await since(before)).toEqual([]);
  });

  it("bad input is refused at Check, naming the property, and nothing is called", async () => {
    const before = (await sim.calls()).length;
    const checked = await plugin.check(urn, {}, { name: " ", members: ["app-a", "APP-A"], color: "red" });
    // The engine sends the inputs as a protobuf Struct, whose keys arrive sorted.
    expect(checked.failures).toEqual([
      { property: "color", reason: expect.stringContaining("unknown property") },
      { property: "members", reason: "entries 0 and 1 both name 'APP-A'; list each VM once" },
      { property: "name", reason: "must not be empty; set it to the VM group's name (its ElementName)" },
    ]);
    expect((await plugin.check(urn, {}, { members: [""] })).failures).toEqual([
      {
        property: "members",
        reason: "entry 0 is ''; each member is a VM's name or its id (Get-VM shows both)",
      },
      { property: "name", reason: "missing: set name to the VM group's name (its ElementName)" },
    ]);
    expect(await since(before)).toEqual([]);
  });

  it("a member that names no VM stops create before DefineCollection", async () => {
    const before = (await sim.calls()).length;
    const error = (await plugin
      .create(urnOf(TYPE, "ghost"), {
        name: "ghost",
        members: ["app-a", "no-such-vm"],
        jobTimeoutSeconds: 1800,
      })
      .catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toContain("no VM has the name 'no-such-vm'");
    expect(await since(before)).toEqual([]);
  });

  it("a name another group has is refused before any write, with how to import that group", async () => {
    const before = (await sim.calls()).length;
    const error = (await plugin
      .create(urnOf(TYPE, "again"), { name: "sql-cluster", members: [], jobTimeoutSeconds: 1800 })
      .catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toContain(
      `a VM group named 'sql-cluster' exists already (CollectionID ${SQL}); nothing was called`,
    );
    expect(error.message).toContain(`pulumi import hyperv-replica:index:VmGroup <name> ${SQL}`);
    expect(await since(before)).toEqual([]);
  });

  it("a member the host refuses part-way: the group made so far is recorded as a partial failure", async () => {
    const [lone] = await sim.addVirtualMachines(["web-a"]);
    // sql-cluster-vm is a member of sql-cluster: the host refuses to put it in a second group (32775).
    const taken = (await sim.collection(SQL))!.members[0]!;
    const before = (await sim.calls()).length;
    const error = (await plugin
      .create(urnOf(TYPE, "web"), { name: "web", members: ["web-a", taken.id], jobTimeoutSeconds: 1800 })
      .catch((e: RpcError) => e)) as RpcError;
    const webId = error.partial?.id ?? "";
    expect((await since(before)).map((c) => [c.method, c.returnValue])).toEqual([
      ["DefineCollection", 0],
      ["AddMember", 4096],
      ["AddMember", 32775],
    ]);
    expect(error.message).toContain("AddMember returned 32775 (Invalid state for this operation)");
    expect(error.partial?.properties).toMatchObject({
      collectionId: webId,
      name: "web",
      memberVms: [member(lone!)],
    });
    expect((await sim.collection(webId))?.members.map((m) => m.name)).toEqual(["web-a"]);
  });

  it("a group deleted outside the stack: update says so and calls nothing; refresh drops it", async () => {
    const made = await plugin.create(urnOf(TYPE, "gone"), {
      name: "gone",
      members: [],
      jobTimeoutSeconds: 1800,
    });
    await sim.removeCollection(made.id);
    const before = (await sim.calls()).length;
    const news = { name: "gone-2", members: [], jobTimeoutSeconds: 1800 };
    const error = (await plugin
      .update(urnOf(TYPE, "gone"), made.id, made.outs, news)
      .catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toContain(`Not found: no VM group has CollectionID ${made.id}`);
    expect(await since(before)).toEqual([]);
    expect((await plugin.read(urnOf(TYPE, "gone"), made.id, made.outs)).id).toBe("");
  });

  it("delete refuses a group that still replicates, saying why and what to do, with no call", async () => {
    const before = (await sim.calls()).length;
    const props = { collectionId: SQL, name: "sql-cluster", jobTimeoutSeconds: 1800, connection: null };
    const error = (await plugin.delete(urnOf(TYPE, "sql"), SQL, props).catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toContain(
      "VM group 'sql-cluster' (CollectionID 6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10) still replicates: its ReplicationState is 3 (Replicating), not 0 (Disabled), so DestroyCollection was not called and the group was kept",
    );
    expect(error.message).toContain("RemoveReplicationRelationship");
    expect(await since(before)).toEqual([]);
    expect(await sim.collection(SQL)).toBeDefined();
  });

  it("delete: RemoveMember per VM (a group must be empty), then DestroyCollection; the VMs stay on the host", async () => {
    const before = (await sim.calls()).length;
    await plugin.delete(urn, id, outs);
    expect(await since(before)).toEqual([
      call("RemoveMember", { Member: vm(vms["app-b"]!.id), Collection: group(id) }, 4096, id),
      call("RemoveMember", { Member: vm(vms["app-c"]!.id), Collection: group(id) }, 4096, id),
      call("DestroyCollection", { Collection: group(id) }, 0, id),
    ]);
    const listed = await sim.session().query("Msvm_ComputerSystem", { ElementName: "app-b" });
    expect(listed.map((i) => i.properties.Name)).toEqual([vms["app-b"]!.id]);
    expect(await sim.collection(id)).toBeUndefined();
    const read = await plugin.read(urn, id, outs, {});
    expect(read.id).toBe("");
  });
});
