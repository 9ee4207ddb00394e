/**
 * The time a `before:` cutoff names, read exactly as written. `Date.parse` rolls an impossible date forward
 * (`2026-02-30` becomes March 2), which would move a rollback cutoff past the date the operator wrote and could
 * land the failover after the corruption it exists to avoid; so every part is checked against the calendar first,
 * and the one that is wrong is named.
 *
 * Fractions of a second beyond milliseconds are dropped, which moves the cutoff earlier, never later: a point is
 * then at worst left out, never picked after the time written.
 */

const PARTS =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2})))?$/;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysIn(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Which part of the date is not in the calendar, if any. */
function dateProblem(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `month ${pad(month)} is not a month (they run from 01 to 12)`;
  const last = daysIn(year, month);
  if (day >= 1 && day <= last) return undefined;
  const leap = month === 2 && !isLeap(year) ? ` (${year} is not a leap year)` : "";
  return `day ${pad(day)} is not in ${MONTHS[month - 1]} ${year}, which has ${last} days${leap}`;
}

function timeProblem(hour: number, minute: number, second: number): string | undefined {
  if (hour > 23) {
    return `hour ${pad(hour)} is not an hour (they run from 00 to 23; midnight is 00:00 of the next day)`;
  }
  if (minute > 59) return `minute ${pad(minute)} is not a minute (they run from 00 to 59)`;
  if (second > 59) return `second ${pad(second)} is not a second (they run from 00 to 59)`;
  return undefined;
}

function zoneProblem(sign: string, hours: number, minutes: number): string | undefined {
  const limit = sign === "-" ? 12 : 14;
  if (minutes < 60 && hours * 60 + minutes <= limit * 60) return undefined;
  return `zone offset ${sign}${pad(hours)}:${pad(minutes)} is not a zone (offsets run from -12:00 to +14:00)`;
}

const pad = (n: number) => String(n).padStart(2, "0");

const FORMAT_HELP = "write a date (2026-11-27) or a date and time with its zone (2026-11-27T08:00:00Z)";

/** The epoch milliseconds `when` names, or what is wrong with it, in words that name the wrong part. */
export function parseCutoff(when: string): { readonly time: number } | { readonly error: string } {
  const m = PARTS.exec(when);
  if (!m) return { error: `'${when}' after 'before:' is not an ISO 8601 time; ${FORMAT_HELP}` };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0));
  const [fraction, zulu, sign, zoneHours, zoneMinutes] = m.slice(7);
  const problem =
    dateProblem(year, month, day) ??
    timeProblem(hour, minute, second) ??
    (zulu === undefined && sign !== undefined
      ? zoneProblem(sign, Number(zoneHours), Number(zoneMinutes))
      : undefined);
  if (problem !== undefined) {
    return {
      error: `'${when}' after 'before:' does not exist: ${problem}; a cutoff is taken exactly as written, never rolled over to a later time, so write one that exists (2026-11-27, or 2026-11-27T08:00:00Z)`,
    };
  }
  const millis = Number((fraction ?? "").padEnd(3, "0").slice(0, 3));
  const offset =
    sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const utc = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  return { time: utc.getTime() - offset * 60_000 };
}
