/**
 * CIM (DMTF) datetime strings. A timestamp is `yyyymmddHHMMSS.mmmmmmsUUU` (sign and UTC offset in minutes); an
 * interval is `ddddddddHHMMSS.mmmmmm:000`. They cross the seam as strings so that nothing is lost on the way.
 */

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Formats a time as a UTC CIM timestamp, for example `20261123211300.000000+000`. */
export function toCimDateTime(time: number | Date): string {
  const d = new Date(time);
  // An invalid time has no ISO form; it is formatted as before, field by field.
  if (Number.isNaN(d.getTime())) return fieldByField(d);
  const iso = d.toISOString();
  // yyyy-mm-ddTHH:MM:SS.mmmZ, read by position: a simulated host formats thousands of these per second. Years
  // outside 0000-9999 have a sign and more digits, and are padded field by field.
  if (iso.length !== 24) return fieldByField(d);
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}000+000`;
}

function fieldByField(d: Date): string {
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2) +
    pad(d.getUTCSeconds(), 2) +
    "." +
    pad(d.getUTCMilliseconds() * 1000, 6) +
    "+000"
  );
}

/** Formats a duration as a CIM interval, for example 5 minutes as `00000000000500.000000:000`. */
export function toCimInterval(ms: number): string {
  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const micros = Math.round((ms - totalSeconds * 1000) * 1000);
  return `${pad(days, 8)}${pad(hours, 2)}${pad(minutes, 2)}${pad(seconds, 2)}.${pad(micros, 6)}:000`;
}

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;

/**
 * Reads a CIM timestamp (`yyyymmddHHMMSS.mmmmmmsUUU`, the offset in minutes) as epoch milliseconds, or undefined
 * for anything else: null, an interval, a value with asterisks for unknown digits, or one that is not a real
 * calendar time (a 30 February), which Date.UTC would roll forward: such a time is unknown, not a later one.
 */
export function parseCimDateTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second, micros, sign, offset] = m.slice(1);
  const utc = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    Math.floor(Number(micros) / 1000),
  );
  const back = new Date(utc);
  const real =
    back.getUTCMonth() === Number(month) - 1 &&
    back.getUTCDate() === Number(day) &&
    back.getUTCHours() === Number(hour) &&
    back.getUTCMinutes() === Number(minute) &&
    back.getUTCSeconds() === Number(second);
  if (!real) return undefined;
  const offsetMs = Number(offset) * 60_000 * (sign === "-" ? -1 : 1);
  return utc - offsetMs;
}
