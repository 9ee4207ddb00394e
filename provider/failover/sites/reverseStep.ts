/**
 * The settings the driver sends with ReverseReplicationRelationship (built by reverse.ts), and the check that builds
 * them before a move's first step.
 */
import type { Reversal } from "../../hyperv";
import type { SiteRead, SiteTarget } from "./observe";
import { hasSession } from "./observe";
import { describeReversal, reversedSettings } from "./reverse";
import type { SiteStep } from "./types";

/** What building the reversed settings needs from the driver. */
export interface ReverseRun {
  /** The pair's name, as errors name the collection. */
  readonly name: string;
  readonly sites: readonly SiteTarget[];
  /** Each site's own certificate thumbprint, by site name, for a reverse under certificate authentication. */
  readonly certificateThumbprints?: Readonly<Record<string, string>>;
  readonly log: (site: string, line: string) => void;
}

export class ReverseStep {
  private checked = false;

  constructor(private readonly run: ReverseRun) {}

  /**
   * Builds the settings of the plan's reverse before its first step (once a run): a reverse that fails comes after
   * CommitFailover, which cannot be undone. A plan that starts with the reverse builds them there.
   */
  async check(steps: readonly SiteStep[], reads: Record<string, SiteRead>): Promise<void> {
    const reverse = steps.find((s) => s.action === "ReverseReplicationRelationship");
    if (this.checked || !reverse || steps[0] === reverse) return;
    const reversal = await this.settings(reverse.site, reads);
    this.run.log(reverse.site, `checked before the first step: ${describeReversal(reverse.site, reversal)}`);
    this.checked = true;
  }

  /** ReverseReplicationRelationship's settings argument: the relationship's settings turned around. */
  async arguments(site: string, reads: Record<string, SiteRead>): Promise<Record<string, string>> {
    const reversal = await this.settings(site, reads);
    this.run.log(site, describeReversal(site, reversal));
    return { CollectionReplicationSettingData: reversal.text };
  }

  /** The reversed settings for a ReverseReplicationRelationship on `site`, or a refusal that calls nothing. */
  private async settings(site: string, reads: Record<string, SiteRead>): Promise<Reversal> {
    const target = this.run.sites.find((s) => s.name === site);
    const read = reads[site];
    if (!target || !hasSession(target) || !read?.reachable)
      throw new Error(`reverse settings of unreachable site ${site}`);
    const reversal = await reversedSettings(
      {
        name: site,
        session: target.session,
        collection: read.reading.collection,
        certificateThumbprint: this.run.certificateThumbprints?.[site],
      },
      this.run.name,
    );
    return reversal;
  }
}
