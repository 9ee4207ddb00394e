export { closeAllPools, PowerShellCimSession, terminateAllPools } from "./session";
export type { PowerShellSettings } from "./session";
export { chooseExecutable, resolveExecutable } from "./executable";
