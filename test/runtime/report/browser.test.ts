/**
 * The report's HTML page as a person sees it: opened in real headless Chromium (Debian's package), with every
 * network request refused and recorded, no script error, and the timeline drawn: each step's and each VM's bar, the
 * RTO line and the RPO band present with a size on screen. The screenshot is kept as .tmp/report-screenshot.png.
 * Where Chromium is absent the test says it is skipped and why; .ci/run installs it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { reportHtml } from "../../../provider/runtime/report/html";
import { buildReport } from "../../../provider/runtime/report/model";
import { REPO_ROOT } from "../../harness/plugin";
import { sampleInput } from "./sample";

const CHROMIUM = process.env.HVR_CHROMIUM ?? "/usr/bin/chromium";
const OUT = path.join(REPO_ROOT, ".tmp");
/** The page's getComputedStyle: the tests compile without the DOM library. */
type Styles = { getComputedStyle(element: unknown): { visibility: string } };

describe("the report page in headless Chromium", () => {
  it("draws the timeline offline, with no script error; the screenshot is kept", async (ctx) => {
    if (!fs.existsSync(CHROMIUM)) {
      ctx.skip(
        `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set HVR_CHROMIUM`,
      );
    }
    const { chromium } = await import("playwright-core");
    const report = buildReport(sampleInput());
    fs.mkdirSync(OUT, { recursive: true });
    const file = path.join(OUT, "report-page.html");
    fs.writeFileSync(file, reportHtml(report), "utf8");

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console error: ${message.text()}`);
      });
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("file:")) return route.continue();
        requests.push(url);
        return route.abort();
      });
      await page.goto(`file://${file}`);

      const sizes = async (selector: string) =>
        page.$$eval(selector, (elements) =>
          elements.map((e) => {
            const box = e.getBoundingClientRect();
            return {
              width: box.width,
              height: box.height,
              visible: (globalThis as unknown as Styles).getComputedStyle(e).visibility !== "hidden",
            };
          }),
        );
      const steps = await sizes("svg.timeline rect.step-bar");
      const vms = await sizes("svg.timeline rect.vm-bar");
      const rto = await sizes("svg.timeline line.rto-marker");
      const rpo = await sizes("svg.timeline rect.rpo-marker");
      await page.screenshot({ path: path.join(OUT, "report-screenshot.png"), fullPage: true });

      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      expect(steps).toHaveLength(report.steps.length);
      expect(vms).toHaveLength(report.virtualMachines.length);
      for (const bar of [...steps, ...vms, ...rpo]) {
        expect(bar.visible).toBe(true);
        expect(bar.width).toBeGreaterThan(0);
        expect(bar.height).toBeGreaterThan(0);
      }
      expect(rto).toHaveLength(1);
      expect(rto[0]!.height).toBeGreaterThan(0);
      expect(await page.title()).toBe("CollectionFailover 'sql-cluster': failover succeeded");
    } finally {
      await browser.close();
    }
  });
});
