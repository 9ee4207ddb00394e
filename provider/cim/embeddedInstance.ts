/**
 * Embedded instances as CIM-XML text (DSP0201, DTD 2.0): the form Hyper-V's methods take settings in, which C# writes
 * with `GetText(TextFormat.WmiDtd20)` and PowerShell with CimSerializer. Only what an embedded instance holds is
 * read: `<INSTANCE>` with `<PROPERTY>` and `<PROPERTY.ARRAY>`; qualifiers, extra attributes, whitespace, an XML
 * prolog and comments are passed over. Values stay text, typed by each property's TYPE, so nothing is lost between
 * reading an instance and writing it again.
 */

/** One property: its CIM type (`string`, `uint16`, `boolean`, `datetime`...) and its value as text. */
export interface EmbeddedProperty {
  readonly name: string;
  readonly type: string;
  /** The text of `<VALUE>`, the texts of `<VALUE.ARRAY>`, or null for a NULL property. */
  readonly value: string | readonly string[] | null;
}

export interface EmbeddedInstance {
  readonly className: string;
  readonly properties: readonly EmbeddedProperty[];
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Escapes text for an XML element or a double-quoted attribute; CR is kept as a reference, as XML drops it. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) =>
    c === "\r" ? "&#13;" : `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`,
  );
}

/** Undoes {@link escapeXml} and numeric references; `undefined` when an `&` starts no known reference. */
function unescapeXml(text: string): string | undefined {
  let broken = false;
  const out = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) {
      broken = true;
      return whole;
    }
    if (ref.startsWith("#")) {
      const code = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0x10ffff) broken = true;
      return code > 0x10ffff ? whole : String.fromCodePoint(code);
    }
    const named = ENTITIES[ref];
    if (named === undefined) broken = true;
    return named ?? whole;
  });
  return broken ? undefined : out;
}

/** The instance as one line of CIM-XML: properties in the order given, a NULL one without `<VALUE>`. */
export function formatEmbeddedInstance(instance: EmbeddedInstance): string {
  const body = instance.properties.map(({ name, type, value }) => {
    const head = `NAME="${escapeXml(name)}" TYPE="${escapeXml(type)}"`;
    if (Array.isArray(value)) {
      const items = (value as readonly string[]).map((v) => `<VALUE>${escapeXml(v)}</VALUE>`).join("");
      return `<PROPERTY.ARRAY ${head}><VALUE.ARRAY>${items}</VALUE.ARRAY></PROPERTY.ARRAY>`;
    }
    const inner = value === null ? "" : `<VALUE>${escapeXml(value as string)}</VALUE>`;
    return `<PROPERTY ${head}>${inner}</PROPERTY>`;
  });
  return `<INSTANCE CLASSNAME="${escapeXml(instance.className)}">${body.join("")}</INSTANCE>`;
}

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const TOKEN =
  /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|</g;
const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function attributesOf(text: string): Record<string, string> | undefined {
  const attributes: Record<string, string> = {};
  for (const m of text.matchAll(ATTRIBUTE)) {
    const value = unescapeXml(m[2] ?? m[3] ?? "");
    if (value === undefined || m[1] === undefined) return undefined;
    attributes[m[1].toUpperCase()] = value;
  }
  return attributes;
}

/** A minimal XML reader: the one root element, or `undefined` for text that is not well-formed. */
function parseXml(text: string): XmlElement | undefined {
  const root: XmlElement = { name: "", attributes: {}, children: [], text: "" };
  const open: XmlElement[] = [root];
  for (const m of text.matchAll(TOKEN)) {
    const [whole, cdata, closing, name, attrs = "", selfClosing, chars] = m;
    const parent = open[open.length - 1] ?? root;
    if (whole.startsWith("<?") || whole.startsWith("<!--")) continue;
    if (cdata !== undefined) parent.text += cdata;
    else if (chars !== undefined) {
      const decoded = unescapeXml(chars);
      if (decoded === undefined) return undefined;
      parent.text += decoded;
    } else if (name === undefined) return undefined;
    else if (closing) {
      if (open.length < 2 || parent.name.toUpperCase() !== name.toUpperCase()) return undefined;
      open.pop();
    } else {
      const attributes = attributesOf(attrs);
      if (!attributes) return undefined;
      const element: XmlElement = { name: name.toUpperCase(), attributes, children: [], text: "" };
      parent.children.push(element);
      if (!selfClosing) open.push(element);
    }
  }
  const elements = root.children;
  return open.length === 1 && elements.length === 1 && root.text.trim() === "" ? elements[0] : undefined;
}

function propertyOf(element: XmlElement): EmbeddedProperty | undefined | null {
  const { NAME: name, TYPE: type = "string" } = element.attributes;
  if (element.name === "QUALIFIER") return null;
  if (name === undefined) return undefined;
  if (element.name === "PROPERTY") {
    const value = element.children.find((c) => c.name === "VALUE");
    return { name, type, value: value ? value.text : null };
  }
  if (element.name === "PROPERTY.ARRAY") {
    const array = element.children.find((c) => c.name === "VALUE.ARRAY");
    const items = array?.children.filter((c) => c.name === "VALUE" || c.name === "VALUE.NULL");
    return { name, type, value: items ? items.map((c) => c.text) : null };
  }
  // PROPERTY.REFERENCE and anything newer: kept out, since no setting data of this provider carries one.
  return null;
}

/** The instance in CIM-XML text, or `undefined` when the text is not one well-formed `<INSTANCE>`. */
export function parseEmbeddedInstance(text: string): EmbeddedInstance | undefined {
  const root = parseXml(text);
  const className = root?.attributes.CLASSNAME;
  if (!root || root.name !== "INSTANCE" || className === undefined) return undefined;
  const properties: EmbeddedProperty[] = [];
  for (const child of root.children) {
    const property = propertyOf(child);
    if (property === undefined) return undefined;
    if (property !== null) properties.push(property);
  }
  return { className, properties };
}

/** The instance with each named property's value replaced, or added (as `string`) when it is not there. */
export function withPropertyValues(
  instance: EmbeddedInstance,
  values: Readonly<Record<string, string>>,
): EmbeddedInstance {
  const lower = (s: string) => s.toLowerCase();
  const properties = instance.properties.map((p) => {
    const key = Object.keys(values).find((k) => lower(k) === lower(p.name));
    return key === undefined ? p : { ...p, value: values[key] ?? null };
  });
  const added = Object.entries(values)
    .filter(([k]) => !properties.some((p) => lower(p.name) === lower(k)))
    .map(([name, value]) => ({ name, type: "string", value }));
  return { className: instance.className, properties: [...properties, ...added] };
}
