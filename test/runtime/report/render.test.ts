/**
 * The report's files: the Markdown summary and the HTML page are made from the report alone, the page holds no
 * script and loads nothing, draws one bar per step and per VM, and every value in it is escaped. A report never
 * holds a secret, wherever it appears.
 */
import { describe, expect, it } from "vitest";
import { reportHtml } from "../../../provider/runtime/report/html";
import { reportMarkdown } from "../../../provider/runtime/report/markdown";
import { buildReport } from "../../../provider/runtime/report/model";
import { redact } from "../../../provider/runtime/report/redact";
import { sampleInput } from "./sample";

describe("the report's HTML page", () => {
  const report = buildReport(sampleInput());
  const html = reportHtml(report);

  it("is self-contained: no script, no external resource, a policy that allows none", () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it("draws a bar for every step and every recovered VM, and marks the RTO and the RPO", () => {
    expect(html.match(/<rect class="step-bar/g)).toHaveLength(report.steps.length);
    expect(html.match(/<rect class="vm-bar/g)).toHaveLength(report.virtualMachines.length);
    expect(html).toContain('class="rto-marker"');
    expect(html).toContain('class="rpo-marker"');
    expect(html).toContain(">RTO 1 min 19 s<");
    expect(html).toContain(">RPO 5 min 1 s<");
  });

  it("escapes what the host named", () => {
    const odd = buildReport(sampleInput({ name: `<b onload="x">&` }));
    const page = reportHtml(odd);
    expect(page).not.toContain(`<b onload="x">`);
    expect(page).toContain("&lt;b onload=&quot;x&quot;&gt;&amp;");
  });
});

describe("the Markdown summary", () => {
  it("gives the outcome, RTO, RPO, every step with its WMI call, and the collections before and after", () => {
    const text = reportMarkdown(buildReport(sampleInput()));
    expect(text).toContain("## CollectionFailover 'sql-cluster': failover succeeded");
    expect(text).toContain("- RTO achieved: 1 min 19 s");
    expect(text).toContain(
      "- RPO achieved: 5 min 1 s (recovery point Microsoft:point, ApplicationConsistent",
    );
    expect(text).toContain('`Msvm_ComputerSystem.RequestStateChange({"RequestedState":2})`');
    expect(text.match(/^\| \d+ \|/gm)).toHaveLength(3);
    expect(text).toContain("### Before");
    expect(text).toContain("### After");
  });
});

describe("redact", () => {
  it("replaces a secret wherever it appears in the report, leaving the rest", () => {
    const password = "S3cret-P@ss";
    const report = buildReport(
      sampleInput({ error: `logon failure for CONTOSO\\dr with ${password} [host hv-replica01]` }),
    );
    const clean = redact(report, [password, ""]);
    expect(JSON.stringify(clean)).not.toContain(password);
    expect(clean.error).toBe("logon failure for CONTOSO\\dr with [secret] [host hv-replica01]");
    expect({ ...clean, error: report.error, summary: report.summary }).toEqual(report);
  });
});
