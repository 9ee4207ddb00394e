// Copies the files the build ships beside the compiled JavaScript, and gives the package's bins their run bit
// (tsc writes every file 0644, so `npx hyperv-replica-sim` from a fresh build would be refused).
// Every .ps1 of provider/powershell is the bridge or one of its parts (bridge.ps1 names them), so all are copied.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";

mkdirSync("dist/powershell", { recursive: true });
const scripts = readdirSync("provider/powershell").filter((file) => file.endsWith(".ps1"));
for (const file of [...scripts, "sshAskpass.cjs"]) {
  copyFileSync(`provider/powershell/${file}`, `dist/powershell/${file}`);
}
for (const bin of Object.values(JSON.parse(readFileSync("package.json", "utf8")).bin)) chmodSync(bin, 0o755);
