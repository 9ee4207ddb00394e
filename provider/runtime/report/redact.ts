/** A report never holds a secret: any string holding one has it replaced, wherever in the report it appears. */
const MASK = "[secret]";

export function redact<T>(value: T, secrets: readonly string[]): T {
  const known = secrets.filter((s) => s.length > 0);
  if (known.length === 0) return value;
  return walk(value, known) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === "string")
    return secrets.reduce((text, secret) => text.split(secret).join(MASK), value);
  if (Array.isArray(value)) return value.map((v) => walk(v, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, secrets)]));
  }
  return value;
}
