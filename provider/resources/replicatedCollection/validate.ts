/**
 * The one validator behind ReplicatedCollection's `check`. It names the property, says what was wrong and what to
 * do; nothing is called on the hosts while any failure remains.
 */
import { checkConnectionFields, checkConnectionRules } from "../../runtime/connectionRules";
import {
  acknowledgeDataLossRule,
  allowDataLossRule,
  rehearsalMinutesRule,
} from "../../runtime/dataLossRules";
import { mergeConnection } from "../../runtime/mergeConnection";
import { recoveryPointRule } from "../../runtime/recoveryPointRule";
import type { CheckFailure, Rule } from "../../runtime/rules";
import { boolean, checkObject, GUID, integer, isUnknown, present, show } from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";

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
] as const;
const SITE_KEYS = ["collectionId", "connection"] as const;
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
};

const SITE_RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the collection's CollectionID on that site (Get-VMGroup there shows it as Id)`,
  connection: () => undefined,
};

export function validateInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, TOP_RULES, [...INPUT_KEYS], "");
  const names = checkSites(news.sites, fromConfig, failures);
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
