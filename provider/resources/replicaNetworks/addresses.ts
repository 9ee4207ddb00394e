/**
 * The rules for failover addresses and switch names, checked before anything is sent. Each answers with what was
 * wrong and what to do; validate.ts adds the property's path.
 *
 * Documented (HyperV_v2 msvm-failovernetworkadaptersettingdata.md): IPAddresses, Subnets, DefaultGateways and
 * DNSServers are string arrays; "Each element in this array [Subnets] applies to the corresponding element in the
 * IPAddresses array"; ProtocolIFType 4096 IPv4, 4097 IPv6, 4098 IPv4/v6.
 * Inferred: an IPv6 subnet travels as its prefix length in decimal (Set-VMNetworkAdapterFailoverConfiguration takes
 * -IPv6SubnetPrefixLength); switch names have no documented length limit, so 256 (the MaxLen of the cluster
 * classes' keys) bounds them.
 */
import { isIPv4, isIPv6 } from "node:net";
import { show } from "../../runtime/rules";

export const MAX_SWITCH_NAME = 256;

const octets = (v: string) => v.split(".").map(Number);
const toNumber = (v: string) => octets(v).reduce((n, o) => n * 256 + o, 0);

export function switchNameRule(v: unknown): string | undefined {
  if (typeof v !== "string" || v.trim() === "")
    return `must be a switch's name, got ${show(v)}; Get-VMSwitch on the replica host lists them`;
  if (v !== v.trim())
    return `${show(v)} has spaces at its ends; write the switch's name exactly as Get-VMSwitch shows it`;
  if (v.length > MAX_SWITCH_NAME)
    return `is ${v.length} characters long; a switch name here is at most ${MAX_SWITCH_NAME}`;
  return undefined;
}

/** A unicast IPv4 address a guest can take. */
export function ipv4AddressRule(v: unknown): string | undefined {
  if (typeof v !== "string" || !isIPv4(v))
    return `${show(v)} is not an IPv4 address; write it as four numbers 0-255, such as '10.2.0.10'`;
  const [first] = octets(v);
  if (v === "0.0.0.0" || v === "255.255.255.255" || first === 127 || (first ?? 0) >= 224)
    return `${show(v)} is not an address a guest can take (unspecified, loopback, multicast or broadcast); use the address the VM should have on the recovery site`;
  return undefined;
}

/** A subnet mask: contiguous ones, not all zero. */
export function ipv4MaskRule(v: unknown): string | undefined {
  if (typeof v !== "string" || !isIPv4(v))
    return `${show(v)} is not an IPv4 subnet mask; write it such as '255.255.255.0'`;
  const n = toNumber(v);
  const inverted = 0xffffffff - n;
  if (n === 0 || (inverted & (inverted + 1)) !== 0)
    return `${show(v)} is not a subnet mask (its ones must come first, such as '255.255.255.0' for a /24)`;
  return undefined;
}

export function ipv6AddressRule(v: unknown): string | undefined {
  if (typeof v !== "string" || !isIPv6(v))
    return `${show(v)} is not an IPv6 address; write it such as 'fd00:2::10'`;
  const lower = v.toLowerCase();
  if (lower === "::" || lower === "::1" || lower.startsWith("ff"))
    return `${show(v)} is not an address a guest can take (unspecified, loopback or multicast); use the address the VM should have on the recovery site`;
  return undefined;
}

export function prefixLengthRule(v: unknown): string | undefined {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 128
    ? undefined
    : `${show(v)} is not an IPv6 prefix length; use a whole number from 1 to 128, such as 64`;
}

export function dnsServersRule(v: unknown): string | undefined {
  if (!Array.isArray(v)) return `must be a list of DNS server addresses, got ${show(v)}`;
  const bad = v.findIndex((s) => typeof s !== "string" || !(isIPv4(s) || isIPv6(s)));
  return bad < 0
    ? undefined
    : `entry ${bad} is ${show(v[bad])}, not an IPv4 or IPv6 address; list the DNS servers by address`;
}

/** Whether the gateway lies in the address's subnet, so the guest can reach it. */
export function gatewayInSubnet(address: string, mask: string, gateway: string): boolean {
  const size = 0x100000000 - toNumber(mask);
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(gateway) / size);
}
