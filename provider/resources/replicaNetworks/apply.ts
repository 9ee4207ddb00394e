/** Runs a plan's calls (plan.ts) in order: test-failover switches first, then one failover call per VM. */
import type { CimSession } from "../../cim";
import type { NetworkWriteOptions } from "../../hyperv";
import { setFailoverIp, setTestSwitch } from "../../hyperv";
import type { NetworkChange } from "./plan";

export function describeChange(change: NetworkChange): string {
  const at = `VM '${change.vm.name}' adapter '${change.adapter.name}'`;
  if (change.kind === "testSwitch")
    return change.to === null
      ? `${at}: clear the test-failover switch (its test copy will not be connected)`
      : `${at}: test-failover switch '${change.to}'`;
  return change.ip.dhcpEnabled
    ? `${at}: clear the failover TCP/IP settings (DHCP after a failover)`
    : `${at}: failover TCP/IP ${change.ip.ipAddresses.join(", ")}`;
}

export async function applyChanges(
  session: CimSession,
  changes: readonly NetworkChange[],
  options: NetworkWriteOptions,
  log: (line: string) => void,
): Promise<void> {
  for (const change of changes) {
    if (change.kind !== "testSwitch") continue;
    log(describeChange(change));
    await setTestSwitch(session, change.adapter, change.to, options);
  }
  const ipChanges = changes.filter((c) => c.kind === "failoverIp");
  const vmIds = [...new Set(ipChanges.map((c) => c.vm.id))];
  for (const vmId of vmIds) {
    const mine = ipChanges.filter((c) => c.vm.id === vmId);
    for (const c of mine) log(describeChange(c));
    await setFailoverIp(
      session,
      vmId,
      mine.map((c) => ({ adapter: c.adapter, ip: c.ip })),
      options,
    );
  }
}
