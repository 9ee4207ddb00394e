/**
 * The two calls that change a replica VM's networks: Msvm_VirtualSystemManagementService.ModifyResourceSettings on an
 * adapter's Msvm_EthernetPortAllocationSettingData (its test-failover switch, and its connection), and
 * Msvm_ReplicationService.SetFailoverNetworkAdapterSettings (its failover TCP/IP settings).
 *
 * Documented: ModifyResourceSettings "The InstanceID property of each instance identifies the virtual resource setting
 * to be modified", return values 0, 1 Not Supported, 4 Invalid Parameter, 4096 (modifyresourcesettings-msvm-
 * virtualsystemmanagementservice.md); SetFailoverNetworkAdapterSettings: "The IPAddresses and DHCPEnabled properties
 * must be specified on each instance", return values 0, 4096, 32768-32778 (setfailovernetworkadaptersettings-msvm-
 * replicationservice.md); "This feature cannot be used to inject IP addresses into non-replicated VMs" (the 2012
 * walk-through, model.ts).
 *
 * Inferred: both answer at once (0, no job); a setting that names no adapter of the host, or of the VM, is 4 or 32773
 * Invalid Parameter and nothing is changed (every setting is checked before any is applied); the whole instance sent
 * is applied, so one sent without its HostResource disconnects the adapter, as a real host would take it; a VM in no
 * replicating collection answers 32775.
 */
import type { CimArguments, CimMethodResult, CimRef, EmbeddedInstance } from "../../cim";
import { isCimRef, parseEmbeddedInstance } from "../../cim";
import { argument, returnOnly } from "../methods/args";
import type { RenderContext } from "../model/classes";
import { ReplicationMode, ReturnCode, sameText } from "../constants";
import type { SimState, StoredMember } from "../store/state";
import { hostCollections } from "../store/state";
import { connectionId, failoverId, hostAdapters, NetCls } from "./classes";
import { editableAdapters, switchesOf, type StoredFailoverIp } from "./model";

const MODIFY = { completed: 0, notSupported: 1, invalidParameter: 4 } as const;

const value = (instance: EmbeddedInstance, name: string) =>
  instance.properties.find((p) => sameText(p.name, name))?.value;
const list = (v: string | readonly string[] | null | undefined): string[] =>
  Array.isArray(v) ? [...(v as readonly string[])] : typeof v === "string" ? [v] : [];
const settingsArgument = (args: CimArguments, name: string): string[] | undefined => {
  const v = argument(args, name);
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? (v as string[]) : undefined;
};

/** Answers a call on one of the network services, or `undefined` when the target is not one. */
export function invokeNetwork(
  state: SimState,
  ctx: RenderContext,
  target: CimRef,
  method: string,
  args: CimArguments,
): CimMethodResult | undefined {
  if (sameText(target.className, NetCls.managementService))
    return sameText(method, "ModifyResourceSettings")
      ? modifyResourceSettings(state, ctx, args)
      : returnOnly(MODIFY.notSupported);
  if (sameText(target.className, NetCls.replicationService))
    return sameText(method, "SetFailoverNetworkAdapterSettings")
      ? setFailoverSettings(state, ctx, args)
      : returnOnly(ReturnCode.notSupported);
  return undefined;
}

function modifyResourceSettings(state: SimState, ctx: RenderContext, args: CimArguments): CimMethodResult {
  const texts = settingsArgument(args, "ResourceSettings");
  if (texts === undefined) return returnOnly(MODIFY.invalidParameter);
  const adapters = hostAdapters(state, ctx.hostName);
  const changes = texts.map((text) => {
    const instance = parseEmbeddedInstance(text);
    if (instance === undefined || !sameText(instance.className, NetCls.connection)) return undefined;
    const id = String(value(instance, "InstanceID") ?? "");
    const found = adapters.find(({ member, adapter }) => sameText(connectionId(member, adapter), id));
    return found === undefined ? undefined : { ...found, instance };
  });
  if (changes.some((c) => c === undefined)) return returnOnly(MODIFY.invalidParameter);
  for (const change of changes) {
    if (change === undefined) continue;
    const adapter = editableAdapters(change.member).find((a) => a.id === change.adapter.id);
    if (adapter === undefined) continue;
    const test = value(change.instance, "TestReplicaSwitchName");
    adapter.testSwitchName = typeof test === "string" && test.trim() !== "" ? test : null;
    const resource = list(value(change.instance, "HostResource"))[0];
    const switchId = resource === undefined ? undefined : /[.,]Name="([^"]*)"/.exec(resource)?.[1];
    adapter.switchName = switchesOf(state).find((s) => sameText(s.id, switchId ?? ""))?.name ?? null;
  }
  return returnOnly(MODIFY.completed);
}

function vmNamed(
  state: SimState,
  ctx: RenderContext,
  ref: unknown,
): StoredMember | undefined | "notReplicated" {
  if (!isCimRef(ref)) return undefined;
  const key = Object.keys(ref.keys).find((k) => sameText(k, "Name"));
  const id = key === undefined ? "" : String(ref.keys[key]);
  for (const collection of hostCollections(state, ctx.hostName)) {
    const member = collection.members.find((m) => sameText(m.id, id));
    if (member !== undefined)
      return collection.replicationMode === ReplicationMode.none ? "notReplicated" : member;
  }
  return (state.virtualMachines ?? []).some((vm) => sameText(vm.id, id)) ? "notReplicated" : undefined;
}

function failoverOf(instance: EmbeddedInstance): StoredFailoverIp | undefined {
  const dhcp = value(instance, "DHCPEnabled");
  const addresses = value(instance, "IPAddresses");
  if (typeof dhcp !== "string" || addresses === undefined) return undefined;
  return {
    protocol: Number(value(instance, "ProtocolIFType") ?? 4096),
    dhcpEnabled: sameText(dhcp, "true"),
    ipAddresses: list(addresses),
    subnets: list(value(instance, "Subnets")),
    defaultGateways: list(value(instance, "DefaultGateways")),
    dnsServers: list(value(instance, "DNSServers")),
  };
}

function setFailoverSettings(state: SimState, ctx: RenderContext, args: CimArguments): CimMethodResult {
  const vm = vmNamed(state, ctx, argument(args, "ComputerSystem"));
  const texts = settingsArgument(args, "NetworkSettings");
  if (vm === undefined || texts === undefined) return returnOnly(ReturnCode.invalidParameter);
  if (vm === "notReplicated") return returnOnly(ReturnCode.invalidState);
  const adapters = editableAdapters(vm);
  const changes = texts.map((text) => {
    const instance = parseEmbeddedInstance(text);
    if (instance === undefined || !sameText(instance.className, NetCls.failover)) return undefined;
    const id = String(value(instance, "InstanceID") ?? "");
    const adapter = adapters.find((a) => sameText(failoverId(vm, a), id));
    const ip = failoverOf(instance);
    return adapter === undefined || ip === undefined ? undefined : { adapter, ip };
  });
  if (changes.some((c) => c === undefined)) return returnOnly(ReturnCode.invalidParameter);
  for (const change of changes) if (change !== undefined) change.adapter.failover = change.ip;
  return returnOnly(ReturnCode.completed);
}
