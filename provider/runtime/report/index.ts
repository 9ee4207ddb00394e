export type { Report, ReportResource } from "./types";
export { ReportRecorder } from "./recorder";
export { tapSession } from "./callLog";
export { reportMarkdown } from "./markdown";
export { reportHtml } from "./html";
export { reportDirectoryRule } from "./rule";
export { startReport } from "./start";
