/** How `hyperv-replica-sim` prints: JSON for machines, aligned columns for people. */
import { parseCimDateTime } from "../cim";
import { replicationModeName, replicationStateName } from "../hyperv/codes";
import type { SimCollection } from "../simulator";

export const json = { json: { type: "boolean" } } as const;
export const print = (value: unknown) => JSON.stringify(value, null, 2);

/** A CIM datetime as ISO 8601, the form people and pipelines read (and `add-point --time` takes). */
export function isoTime(cim: string): string {
  const ms = parseCimDateTime(cim);
  return ms === undefined ? cim : new Date(ms).toISOString();
}

/** Left-aligned columns, two spaces apart. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const stateText = (n: number) => `${replicationStateName(n)} (${n})`;

/** The collections, one per row; a SITE column first when the file holds two clusters, whose names repeat. */
export function collectionsTable(collections: readonly SimCollection[]): string {
  if (collections.length === 0) return "(no collections)";
  const sited = collections.some((c) => c.site !== undefined);
  const site = (c: SimCollection) => (sited ? [c.site ?? "(every host)"] : []);
  return table([
    [...(sited ? ["SITE"] : []), "COLLECTION", "ID", "REPLICATION STATE", "MODE", "MEMBERS"],
    ...collections.map((c) => [
      ...site(c),
      c.name,
      c.id,
      stateText(c.replicationState),
      replicationModeName(c.replicationMode),
      c.members.map((m) => m.name).join(", "),
    ]),
  ]);
}
