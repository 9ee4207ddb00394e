// Copies the files the build ships beside the compiled JavaScript (every PowerShell script of the bridge, and the ssh
// askpass helper), and gives the package's bins their run bit (tsc writes every file 0644, so `npx
// hyperv-replica-sim` from a fresh build would be refused).
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";

mkdirSync("dist/powershell", { recursive: true });
for (const file of readdirSync("provider/powershell")) {
  if (file.endsWith(".ps1") || file === "sshAskpass.cjs") {
    copyFileSync(`provider/powershell/${file}`, `dist/powershell/${file}`);
  }
}
for (const bin of Object.values(JSON.parse(readFileSync("package.json", "utf8")).bin)) chmodSync(bin, 0o755);
