import type { CimErrorCategory } from "../cim";
import { CimError } from "../cim";

/** Every answer of the bridge is one line: this prefix, then the JSON envelope. */
export const ENVELOPE_PREFIX = "HVR1:";

const CATEGORIES: readonly CimErrorCategory[] = [
  "unreachable",
  "accessDenied",
  "wbem",
  "timeout",
  "environment",
  "protocol",
];

export type Envelope =
  | { id: string | null; ok: true; data: unknown }
  | { id: string | null; ok: false; error: { category: string; message: string; code: number | null } };

/** Long base64 runs are payloads; they never belong in a message. */
export function redact(text: string): string {
  return text.replace(/[A-Za-z0-9+/=]{40,}/g, "<payload>");
}

/**
 * Finds the envelope that answers request `id` in what PowerShell printed. A real host may write escape sequences
 * (pwsh writes `ESC[?1h ESC[?1l` around each command when TERM is set) or other text before and after it, so the
 * envelope is looked for anywhere, and it ends at the first control character: the bridge escapes every control
 * character inside its JSON. An envelope for another request (a stale answer) is never taken for this one.
 *
 * An error with no id is the bridge saying it could not read the request (bad base64, bad JSON, text that is not
 * UTF-8) or could not write its answer: it is taken as this request's answer, so the caller hears at once instead of
 * waiting out its deadline. It cannot be a stale answer: requests run one at a time, and a process whose request
 * was given up (the only way an answer is left unread) is discarded.
 */
export function findEnvelope(raw: string, id: string): Envelope | undefined {
  for (let at = raw.indexOf(ENVELOPE_PREFIX); at >= 0; at = raw.indexOf(ENVELOPE_PREFIX, at + 1)) {
    const rest = raw.slice(at + ENVELOPE_PREFIX.length);
    // eslint-disable-next-line no-control-regex
    const end = rest.search(/[\u0000-\u001f\u007f]/);
    const text = (end < 0 ? rest : rest.slice(0, end)).trim();
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      continue;
    }
    if (typeof envelope !== "object" || envelope === null) continue;
    if (envelope.id === id || (envelope.id === null && envelope.ok === false)) return envelope;
  }
  return undefined;
}

/** The envelope's data, or its error as a CimError. */
export function openEnvelope(envelope: Envelope): unknown {
  if (envelope.ok) return envelope.data;
  const category = (CATEGORIES as readonly string[]).includes(envelope.error.category)
    ? (envelope.error.category as CimErrorCategory)
    : "wbem";
  throw new CimError(category, redact(envelope.error.message), envelope.error.code ?? undefined);
}

/**
 * The environment of a bridge process: the caller's, made plain. No colours, no terminal features, no update
 * check or telemetry: nothing that would add text to an answer.
 *
 * Dynamic PGO is off unless the caller sets it: "DOTNET_TieredPGO ... 0 - disabled" (.NET docs, "Runtime
 * configuration options for compilation"). It instruments code to recompile it later, which pays off in a process
 * that runs for hours; a bridge process answers a few hundred requests, and with it on, PowerShell 7.6 spent about
 * 190 ms of CPU on a read of 20 jobs where it spends about 110 without it (bench notes in the commit).
 */
export function plainEnvironment(base: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    DOTNET_TieredPGO: "0",
    ...base,
    NO_COLOR: "1",
    TERM: "dumb",
    POWERSHELL_UPDATECHECK: "Off",
    POWERSHELL_TELEMETRY_OPTOUT: "1",
    ...extra,
  };
}
