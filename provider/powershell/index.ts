export { closeAllPools, NAMESPACE, PowerShellCimSession } from "./session";
export type { PowerShellSettings } from "./session";
export { chooseExecutable, resolveExecutable } from "./executable";
