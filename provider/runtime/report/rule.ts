/** The `reportDirectory` input every reporting resource takes, checked the same way for each. */
import type { Rule } from "../rules";
import { show } from "../rules";

export const REPORT_DIRECTORY_MAX = 1024;

export const reportDirectoryRule: Rule = (v) => {
  if (typeof v !== "string") return `must be a string (a folder for the report files), got ${show(v)}`;
  if (v.trim() === "")
    return "must not be empty; name a folder such as 'dr-reports', or leave it out to write no files";
  if (v.length > REPORT_DIRECTORY_MAX)
    return `is ${v.length} characters long; use a folder path of at most ${REPORT_DIRECTORY_MAX}`;
  if (v.includes("\0")) return "holds a NUL character; name a folder without it";
  return undefined;
};
