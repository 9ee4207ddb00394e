/**
 * Embedded instances as CIM-XML (DSP0201) `<INSTANCE>` text, the form `GetText(TextFormat.WmiDtd20)` and CimSerializer
 * produce for Hyper-V's embedded-instance strings. The exact whitespace and qualifiers of a real host are inferred
 * away: one line, no qualifiers, properties in the order given. A NULL property has no `<VALUE>`; a uint64 is its
 * decimal text; a datetime is its DMTF string.
 */

export type XmlProperty = readonly [name: string, type: string, value: string | number | null];

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);

export function instanceXml(className: string, properties: readonly XmlProperty[]): string {
  const body = properties
    .map(([name, type, value]) => {
      const inner = value === null ? "" : `<VALUE>${escapeXml(String(value))}</VALUE>`;
      return `<PROPERTY NAME="${name}" TYPE="${type}">${inner}</PROPERTY>`;
    })
    .join("");
  return `<INSTANCE CLASSNAME="${className}">${body}</INSTANCE>`;
}
