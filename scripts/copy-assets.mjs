// Copies the files the build ships beside the compiled JavaScript.
import { copyFileSync, mkdirSync } from "node:fs";

mkdirSync("dist/powershell", { recursive: true });
copyFileSync("provider/powershell/bridge.ps1", "dist/powershell/bridge.ps1");
