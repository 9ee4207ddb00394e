// Copies the files the build ships beside the compiled JavaScript, and gives the package's bins their run bit
// (tsc writes every file 0644, so `npx hyperv-replica-sim` from a fresh build would be refused).
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from "node:fs";

mkdirSync("dist/powershell", { recursive: true });
for (const file of ["bridge.ps1", "bridgeSsh.ps1", "bridgeDoctor.ps1", "sshAskpass.cjs"]) {
  copyFileSync(`provider/powershell/${file}`, `dist/powershell/${file}`);
}
for (const bin of Object.values(JSON.parse(readFileSync("package.json", "utf8")).bin)) chmodSync(bin, 0o755);
