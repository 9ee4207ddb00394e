// Copies the files the build ships beside the compiled JavaScript.
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist/powershell", { recursive: true });
for (const file of ["bridge.ps1", "bridgeSsh.ps1", "sshAskpass.cjs"]) {
  copyFileSync(`provider/powershell/${file}`, `dist/powershell/${file}`);
}
