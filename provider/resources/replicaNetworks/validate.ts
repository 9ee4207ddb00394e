/**
 * The one validator behind ReplicaNetworks' `check`: every switch name and address is checked, and the failover
 * settings are checked as each VM will have them (its own entry over `defaults`), before anything is called.
 */
import { checkConnection } from "../../runtime/connectionRules";
import type { CheckFailure, Rule } from "../../runtime/rules";
import { checkObject, GUID, integer, isUnknown, present, show } from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";
import {
  dnsServersRule,
  gatewayInSubnet,
  ipv4AddressRule,
  ipv4MaskRule,
  ipv6AddressRule,
  prefixLengthRule,
  switchNameRule,
} from "./addresses";

const INPUT_KEYS = ["collectionId", "defaults", "virtualMachines", "jobTimeoutSeconds", "connection"];
const IP_KEYS = [
  "ipv4Address",
  "ipv4SubnetMask",
  "ipv4DefaultGateway",
  "ipv6Address",
  "ipv6PrefixLength",
  "ipv6DefaultGateway",
  "dnsServers",
];

const RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the replica collection's CollectionID (Get-VMGroup on the replica cluster shows it as Id)`,
  jobTimeoutSeconds: integer(1, 7 * 24 * 3600, "it bounds the wait for each Hyper-V job (default 1800)"),
  // Checked on their own, below.
  defaults: () => undefined,
  virtualMachines: () => undefined,
  connection: () => undefined,
};

const IP_RULES: Readonly<Record<string, Rule>> = {
  ipv4Address: ipv4AddressRule,
  ipv4SubnetMask: ipv4MaskRule,
  ipv4DefaultGateway: ipv4AddressRule,
  ipv6Address: ipv6AddressRule,
  ipv6PrefixLength: prefixLengthRule,
  ipv6DefaultGateway: ipv6AddressRule,
  dnsServers: dnsServersRule,
};

const NO_ADDRESS_IN_DEFAULTS: Rule = (v) =>
  v === undefined
    ? undefined
    : "an address in defaults would give every VM the same one; set it in each VM's own entry under virtualMachines";

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);

function checkIp(value: unknown, at: string, inDefaults: boolean): CheckFailure[] {
  if (!isObject(value))
    return [
      {
        property: at,
        reason: `must be an object such as { ipv4Address: '10.2.0.10', ipv4SubnetMask: '255.255.255.0' }, got ${show(value)}`,
      },
    ];
  const rules = inDefaults
    ? { ...IP_RULES, ipv4Address: NO_ADDRESS_IN_DEFAULTS, ipv6Address: NO_ADDRESS_IN_DEFAULTS }
    : IP_RULES;
  return checkObject(value, rules, IP_KEYS, `${at}.`);
}

function checkSettings(
  value: unknown,
  at: string,
  keys: readonly string[],
  inDefaults: boolean,
): CheckFailure[] {
  if (!isObject(value))
    return [
      {
        property: at,
        reason: `must be an object such as { testFailoverSwitch: 'Isolated' }, got ${show(value)}`,
      },
    ];
  const rules: Record<string, Rule> = {
    testFailoverSwitch: switchNameRule,
    failoverIp: () => undefined,
    vm: (v) =>
      typeof v === "string" && v.trim() !== ""
        ? undefined
        : `must name a member VM by name or id, got ${show(v)}`,
    adapter: (v) =>
      typeof v === "string" && v.trim() !== ""
        ? undefined
        : `must name one of the VM's network adapters (Get-VMNetworkAdapter shows their names), got ${show(v)}`,
  };
  const allowed = Object.fromEntries(Object.entries(rules).filter(([k]) => keys.includes(k)));
  const failures = checkObject(value, allowed, keys, `${at}.`);
  if (present(value.failoverIp) && !isUnknown(value.failoverIp))
    failures.push(...checkIp(value.failoverIp, `${at}.failoverIp`, inDefaults));
  return failures;
}

const known = (...values: unknown[]) => values.every((v) => !isUnknown(v));

/** The failover settings one VM will have, checked as a whole: an address with its subnet, gateways with an address. */
function checkEffective(own: Fields, shared: Fields, at: string): CheckFailure[] {
  const ip: Fields = { ...shared, ...own };
  const failures: CheckFailure[] = [];
  const fail = (key: string, reason: string) => failures.push({ property: `${at}.${key}`, reason });
  if (!present(ip.ipv4Address) && !present(ip.ipv6Address))
    failures.push({
      property: at,
      reason: "sets no address; give ipv4Address or ipv6Address (or both), or remove failoverIp",
    });
  if (present(ip.ipv4Address) && !present(ip.ipv4SubnetMask))
    fail(
      "ipv4SubnetMask",
      "missing: an IPv4 address needs its subnet mask, such as '255.255.255.0' (here or in defaults.failoverIp)",
    );
  if (present(ip.ipv4DefaultGateway) && !present(ip.ipv4Address))
    fail("ipv4DefaultGateway", "is set without ipv4Address; a gateway needs an address in its subnet");
  if (present(ip.ipv6Address) && !present(ip.ipv6PrefixLength))
    fail(
      "ipv6PrefixLength",
      "missing: an IPv6 address needs its prefix length, such as 64 (here or in defaults.failoverIp)",
    );
  if (present(ip.ipv6DefaultGateway) && !present(ip.ipv6Address))
    fail("ipv6DefaultGateway", "is set without ipv6Address; a gateway needs an address");
  const { ipv4Address: a, ipv4SubnetMask: m, ipv4DefaultGateway: g } = ip;
  const valid = [ipv4AddressRule(a), ipv4MaskRule(m), ipv4AddressRule(g)].every((r) => r === undefined);
  if (present(g) && known(a, m, g) && valid && !gatewayInSubnet(String(a), String(m), String(g)))
    fail(
      "ipv4DefaultGateway",
      `${show(g)} is not in the subnet of ${show(a)} with mask ${show(m)}; the guest could not reach it. Use a gateway in that subnet`,
    );
  return failures;
}

function checkEntries(value: unknown, defaults: unknown): CheckFailure[] {
  if (!Array.isArray(value))
    return [
      {
        property: "virtualMachines",
        reason: `must be a list of entries such as [{ vm: 'sql-db', testFailoverSwitch: 'Isolated' }], got ${show(value)}`,
      },
    ];
  const failures: CheckFailure[] = [];
  const seen = new Map<string, number>();
  const sharedIp = isObject(defaults) && isObject(defaults.failoverIp) ? defaults.failoverIp : {};
  value.forEach((entry: unknown, i) => {
    const at = `virtualMachines[${i}]`;
    if (isUnknown(entry)) return;
    const own = checkSettings(entry, at, ["vm", "adapter", "testFailoverSwitch", "failoverIp"], false);
    failures.push(...own);
    if (!isObject(entry) || own.length > 0) return;
    if (!present(entry.vm))
      failures.push({ property: `${at}.vm`, reason: "missing: name the member VM by name or id" });
    if (!present(entry.testFailoverSwitch) && !present(entry.failoverIp))
      failures.push({
        property: at,
        reason: "sets nothing; give testFailoverSwitch or failoverIp, or remove the entry",
      });
    if (isObject(entry.failoverIp))
      failures.push(...checkEffective(entry.failoverIp, sharedIp, `${at}.failoverIp`));
    if (!known(entry.vm, entry.adapter)) return;
    const key = `${String(entry.vm).toLowerCase()}|${String(entry.adapter ?? "").toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined)
      failures.push({
        property: at,
        reason: `names the same VM${present(entry.adapter) ? " and adapter" : ""} as virtualMachines[${first}]; merge the two entries`,
      });
    else seen.set(key, i);
  });
  return failures;
}

export function validateReplicaNetworksInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, RULES, INPUT_KEYS, "");
  if (!present(news.collectionId))
    failures.push({
      property: "collectionId",
      reason: "missing: set it to the replica collection's CollectionID",
    });
  if (present(news.defaults) && !isUnknown(news.defaults))
    failures.push(...checkSettings(news.defaults, "defaults", ["testFailoverSwitch", "failoverIp"], true));
  if (present(news.virtualMachines) && !isUnknown(news.virtualMachines))
    failures.push(...checkEntries(news.virtualMachines, news.defaults));
  failures.push(...checkConnection(news.connection, fromConfig, configFailures));
  return failures;
}
