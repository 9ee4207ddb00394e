export { closeAllPools, PowerShellCimSession } from "./session";
export type { PowerShellSettings } from "./session";
export { chooseExecutable, resolveExecutable } from "./executable";
