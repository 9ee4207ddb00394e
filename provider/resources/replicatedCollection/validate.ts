/**
 * The one validator behind ReplicatedCollection's `check`. It names the property, says what was wrong and what to
 * do; nothing is called on the hosts while any failure remains.
 */
import { checkBootGroups } from "../../runtime/bootGroups";
import { checkConnectionFields, checkConnectionRules } from "../../runtime/connectionRules";
import {
  acknowledgeDataLossRule,
  allowDataLossRule,
  rehearsalMinutesRule,
} from "../../runtime/dataLossRules";
import { describeTarget, mergeConnection } from "../../runtime/mergeConnection";
import { recoveryPointRule } from "../../runtime/recoveryPointRule";
import type { CheckFailure, Rule } from "../../runtime/rules";
import { boolean, checkObject, GUID, integer, isUnknown, present, show } from "../../runtime/rules";
import { reportDirectoryRule } from "../../runtime/report";
import type { ConnectionInputs } from "../../runtime/types";
import { collectionKey } from "./identity";

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
const INPUT_KEYS = [
  "sites",
  "activeSite",
  "allowDataLoss",
  "acknowledgeDataLoss",
  "rehearsalMinutes",
  "recoveryPoint",
  "commitFailover",
  "jobTimeoutSeconds",
  "shutdownTimeoutSeconds",
  "allowHardPowerOff",
  "bootGroups",
  "reportDirectory",
] as const;
/** A guest gets at most a day to shut down: longer is a guest that will not. */
const MAX_SHUTDOWN_SECONDS = 24 * 3600;
const SITE_KEYS = ["collectionId", "connection", "certificateThumbprint"] as const;
/** A certificate thumbprint as Cert:\ shows it: the SHA-1 hash of the certificate, 40 hexadecimal digits. */
export const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;
export const SITE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

const TOP_RULES: Readonly<Record<string, Rule>> = {
  sites: () => undefined,
  activeSite: () => undefined,
  allowDataLoss: allowDataLossRule,
  acknowledgeDataLoss: acknowledgeDataLossRule,
  rehearsalMinutes: rehearsalMinutesRule,
  recoveryPoint: recoveryPointRule,
  commitFailover: boolean,
  jobTimeoutSeconds: integer(
    1,
    MAX_TIMEOUT_SECONDS,
    "it bounds the wait for each Hyper-V job (default 1800)",
  ),
  shutdownTimeoutSeconds: integer(
    1,
    MAX_SHUTDOWN_SECONDS,
    "it bounds the wait for each guest to shut down before the VMs are moved (default 300)",
  ),
  allowHardPowerOff: boolean,
  // Checked on its own, below.
  bootGroups: () => undefined,
  reportDirectory: reportDirectoryRule,
};

const SITE_RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the collection's CollectionID on that site (Get-VMGroup there shows it as Id)`,
  connection: () => undefined,
  certificateThumbprint: (v) =>
    typeof v === "string" && THUMBPRINT.test(v)
      ? undefined
      : `${show(v)} is not a certificate thumbprint; use the 40 hexadecimal digits that Cert:\\LocalMachine\\My on this site's nodes shows as Thumbprint for its Hyper-V Replica certificate, without spaces`,
};

export function validateInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, TOP_RULES, [...INPUT_KEYS], "");
  failures.push(...checkBootGroups(news.bootGroups));
  const names = checkSites(news.sites, fromConfig, failures);
  if (names && failures.length === 0) failures.push(...checkTwoCollections(news.sites, fromConfig));
  const active = news.activeSite;
  if (!present(active)) {
    failures.push({
      property: "activeSite",
      reason: "missing: set it to the name of the site where the VMs should run",
    });
  } else if (!isUnknown(active) && names && !names.includes(String(active))) {
    failures.push({
      property: "activeSite",
      reason: `${show(active)} is not one of the sites (${names.map((n) => `'${n}'`).join(", ")}); set it to one of them`,
    });
  }
  return [...failures, ...configFailures];
}

/** The site names when `sites` is sound enough to name them; failures are pushed. */
function checkSites(
  sites: unknown,
  fromConfig: ConnectionInputs,
  failures: CheckFailure[],
): string[] | undefined {
  if (isUnknown(sites)) return undefined;
  if (typeof sites !== "object" || sites === null || Array.isArray(sites)) {
    failures.push({
      property: "sites",
      reason:
        "must be an object with two named sites, such as { east: { collectionId, connection }, west: { ... } }",
    });
    return undefined;
  }
  const names = Object.keys(sites);
  if (names.length !== 2) {
    failures.push({
      property: "sites",
      reason: `has ${names.length} site(s); a replicated collection has exactly two, the primary's and the replica's`,
    });
  }
  for (const name of names) {
    if (!SITE_NAME.test(name)) {
      failures.push({
        property: `sites.${name}`,
        reason: "a site name starts with a letter and holds only letters, digits, '-' and '_' (at most 63)",
      });
      continue;
    }
    checkSite(name, (sites as Record<string, unknown>)[name], fromConfig, failures);
  }
  return names;
}

function checkSite(
  name: string,
  site: unknown,
  fromConfig: ConnectionInputs,
  failures: CheckFailure[],
): void {
  const prefix = `sites.${name}.`;
  if (isUnknown(site)) return;
  if (typeof site !== "object" || site === null || Array.isArray(site)) {
    failures.push({ property: `sites.${name}`, reason: "must be an object: { collectionId, connection }" });
    return;
  }
  const value = site as Record<string, unknown>;
  failures.push(...checkObject(value, SITE_RULES, [...SITE_KEYS], prefix));
  if (!present(value.collectionId)) {
    failures.push({
      property: `${prefix}collectionId`,
      reason: "missing: the CollectionID of the collection on this site",
    });
  }
  const own = checkConnectionFields(value.connection, `${prefix}connection.`);
  failures.push(...own);
  if (own.length === 0 && !isUnknown(value.connection)) {
    const merged = mergeConnection(value.connection as ConnectionInputs | undefined, fromConfig);
    failures.push(...checkConnectionRules(merged, `${prefix}connection.`));
  }
}

/** Both sites naming one collection on one host would make the pair its own partner: every move would act on it. */
function checkTwoCollections(sites: unknown, fromConfig: ConnectionInputs): CheckFailure[] {
  const [first, second] = Object.entries(sites as Record<string, Record<string, unknown>>);
  if (!first || !second) return [];
  const key = collectionKey(first[1], fromConfig);
  if (key === undefined || key !== collectionKey(second[1], fromConfig)) return [];
  const connection = second[1].connection as ConnectionInputs | undefined;
  const target = describeTarget(mergeConnection(connection, fromConfig));
  return [
    {
      property: `sites.${second[0]}`,
      reason: `names the same collection on the same cluster as sites.${first[0]}: CollectionID ${String(second[1].collectionId)} through ${target} for both. The two sites are the primary's and the replica's collections, each on its own cluster: give each site its own collectionId and connection`,
    },
  ];
}
