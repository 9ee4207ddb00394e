import * as pulumi from "@pulumi/pulumi";
import type { BootGroupArgs, ConnectionArgs, ConnectionOutput, ReportOutput } from "../shared";
import { secretPassword } from "../shared";
import { replicatedCollectionProvider } from "./provider";

/** One site of a {@link ReplicatedCollection}: where to reach it and which collection is the pair's there. */
export interface SiteArgs {
  /** The collection's CollectionID on this site (a GUID; `Get-VMGroup` on that cluster shows it as Id). */
  collectionId: pulumi.Input<string>;
  /** How to reach a node of this site's cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
  /**
   * The thumbprint of this site's own Hyper-V Replica certificate (40 hexadecimal digits), needed when the pair uses certificate authentication: reversing replication to make this site the primary sends it as CertificateThumbPrint. Unused with Kerberos.
   */
  certificateThumbprint?: pulumi.Input<string>;
}

/** A member VM as observed on a site. */
export interface MemberOutput {
  /** The VM's name (ElementName). */
  readonly name: string;
  /** The VM's id (Msvm_ComputerSystem.Name, a GUID). */
  readonly id: string;
  /** Its EnabledState: 2 running, 3 off, 4 shutting down, 6 saved, 10 starting. */
  readonly enabledState: number;
  /** The EnabledState's name, such as `Running` or `Off`. */
  readonly enabledStateName: string;
}

/** One site as observed after the last change or refresh. */
export interface SiteOutput {
  /** The collection's CollectionID on this site. */
  readonly collectionId: string;
  /** The collection's name (ElementName), or null when the site could not be read. */
  readonly collectionName: string | null;
  /** Whether the site answered. */
  readonly reachable: boolean;
  /** Why the site could not be read, or null when it could. */
  readonly unreachableReason: string | null;
  /** `primary`, `replica`, `testReplica`, `notReplicating`, `unknown`, or `unreachable`. */
  readonly role: string;
  /** The collection's ReplicationState number (0-16), or null when unreachable. */
  readonly replicationState: number | null;
  /** The ReplicationState's name, such as `Replicating` or `Committed`. */
  readonly replicationStateName: string | null;
  /** The collection's FailedOverReplicationType: 0 None, 1 Regular, 2 Planned. */
  readonly failedOverReplicationType: number | null;
  /** The worst ReplicationHealth of the member VMs (`Ok`, `Warning`, `Critical`), or null without members. */
  readonly health: string | null;
  /** The member VMs and their states. */
  readonly members: MemberOutput[];
  /** When the newest recovery point on this site was taken (ISO 8601), or null when it has none. */
  readonly newestRecoveryPoint: string | null;
  /**
   * The SystemName of the site's Msvm_CollectionReplicationService when it was last read: the site's cluster.
   * Refresh takes the collection as gone from the site only when this host answers that it is; any other host fails
   * the refresh, naming both. Null when the site has not answered yet.
   */
  readonly hostSystemName: string | null;
  /** The site's own `connection` input, without its password; null when stack config is used. */
  readonly connection: ConnectionOutput | null;
}

/** One call the last change made on a site. */
export interface StepOutput {
  /** The site called. */
  readonly site: string;
  /** The step: `StopVMs`, `InitiatePlannedFailover`, `InitiateFailover`, `CommitFailover`, `ReverseReplicationRelationship`, `StartVMs`, ... or `WaitForJob` for a job found running. */
  readonly action: string;
  /** The VM acted on, for `StartVMs` and `StopVMs`; null otherwise. */
  readonly vm: string | null;
  /** Where the step's place in the sequence comes from: `documented`, `per-VM docs` or `inferred`. */
  readonly evidence: string | null;
  /** The WMI method called. */
  readonly method: string;
  /** The Msvm_ConcreteJob InstanceID, or null when the method finished without a job. */
  readonly jobId: string | null;
  /** The job's final state (`Completed`, `Exception`, ...), or null without a job. */
  readonly jobState: string | null;
  /** The job's ErrorCode, or null without a job. */
  readonly errorCode: number | null;
  /** When the job was submitted, from its own TimeSubmitted, else when the method was called (ISO 8601). */
  readonly startedAt: string;
  /**
   * When the job ended, from its own TimeOfLastStateChange, else when it was seen ended (ISO 8601); null when the
   * wait stopped first.
   */
  readonly finishedAt: string | null;
}

/** The last change of `activeSite` (or the reprotect or restart that a run needed). */
export interface ChangeOutput {
  /** The sequence used: `plannedMove`, `cancelMove`, `unplannedFailover`, `reprotect`, `revertStrayFailover` or `startVMs`. */
  readonly path: string | null;
  /** The activeSite the change was made for. */
  readonly activeSite: string;
  /** `completed`, or `failed` when it stopped part-way; the sites show where. */
  readonly outcome: string;
  /** When the run started (ISO 8601). */
  readonly startedAt: string;
  /** When the run ended (ISO 8601). */
  readonly finishedAt: string;
  /** The calls made, in order. */
  readonly steps: StepOutput[];
}

/** The inputs of a {@link ReplicatedCollection}. */
export interface ReplicatedCollectionArgs {
  /**
   * Exactly two named sites, such as `{ east: { collectionId, connection }, west: { ... } }`, naming two collections
   * (not one collection twice on one cluster). The pair is its two collections: renaming or reordering the sites is
   * an update, and naming another collection replaces the resource.
   */
  sites: pulumi.Input<Record<string, pulumi.Input<SiteArgs>>>;
  /** The name of the site where the VMs should run. Changing it moves them (planned when both sites are healthy). */
  activeSite: pulumi.Input<string>;
  /**
   * No longer accepted as `true`: a standing `allowDataLoss` authorized every later loss too. Remove it and use
   * `acknowledgeDataLoss`, which names one loss.
   */
  allowDataLoss?: pulumi.Input<boolean>;
  /**
   * The data losses this program accepts, each the value a refusal or `pulumi preview` printed for that very event:
   * an unplanned failover (`unplanned-failover:<CollectionID>:<recovery point time>`), a reprotect that discards
   * what a returned site wrote (`split-brain:...`), a revert of a failover whose VMs ran longer than
   * `rehearsalMinutes` (`revert-failover:...`), or committing an older point after a planned failover was prepared
   * (`commit-older-point:...`). A step that throws writes away runs only when its value is listed; a value never
   * authorizes a later failover, a later recovery point or another split brain.
   */
  acknowledgeDataLoss?: pulumi.Input<string[]>;
  /** A stray failover whose VMs each ran at most this many minutes is reverted without `acknowledgeDataLoss`. Default 60. */
  rehearsalMinutes?: pulumi.Input<number>;
  /**
   * The recovery point an unplanned failover uses: `latest` (default), `latest-application-consistent`,
   * `before:<ISO 8601 time>` or a Msvm_CollectionRecoveryPoint InstanceID, as for CollectionFailover. A selector
   * that matches no point is refused before any call.
   */
  recoveryPoint?: pulumi.Input<string>;
  /**
   * Commit an unplanned failover once its VMs run. Default false: the failover stays revertible, so another recovery
   * point can still be chosen, until this is set or reprotect (which needs the commit) runs.
   */
  commitFailover?: pulumi.Input<boolean>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /**
   * How long each member VM's guest has to shut down (Msvm_ShutdownComponent.InitiateShutdown) when a step turns the VMs off, in seconds, from the request. Default 300.
   */
  shutdownTimeoutSeconds?: pulumi.Input<number>;
  /**
   * Power a VM off hard (RequestStateChange 3) when its guest does not shut down within `shutdownTimeoutSeconds` or cannot be asked (no shutdown component, Saved or Paused). Without it such a VM stops the run before anything irreversible. Default false.
   */
  allowHardPowerOff?: pulumi.Input<boolean>;
  /**
   * The order the member VMs start in on the site that runs them where one must run before another (a database before its application):
   * groups started one after the other, each group's VMs together, with an optional delay between groups. VMs in no
   * group start last; guests shut down in the reverse order. Without it, all start (and turn off) together. Names that
   * are not member VMs on both sites are refused before any call.
   */
  bootGroups?: pulumi.Input<BootGroupArgs[]>;
  /**
   * A folder to write each run's report to, as files a pipeline keeps: a Markdown summary and a self-contained HTML
   * page with a timeline of the steps. A relative path is taken from the Pulumi project's folder. Without it, the
   * report is only the `lastReport` output. Changing it alone calls nothing.
   */
  reportDirectory?: pulumi.Input<string>;
}

/**
 * A Hyper-V Replica VM collection replicated between two sites, declared by where its VMs should run. Changing
 * `activeSite` runs a planned move (no data loss) when both sites are healthy; an unplanned failover only with
 * the `acknowledgeDataLoss` value naming it; and reprotects a site that returns after a disaster. Every step waits for its job and re-reads
 * both sites, so an interrupted run continues where it stopped.
 */
export class ReplicatedCollection extends pulumi.dynamic.Resource {
  /** Each site as observed: role, ReplicationState, health and member VMs. */
  declare public readonly sites: pulumi.Output<Record<string, SiteOutput>>;
  /** The site where the VMs should run, as declared. */
  declare public readonly activeSite: pulumi.Output<string>;
  /** The data-loss values the program acknowledged. */
  declare public readonly acknowledgeDataLoss: pulumi.Output<string[]>;
  /** The rehearsal window of a stray failover's revert, in minutes. */
  declare public readonly rehearsalMinutes: pulumi.Output<number>;
  /** The recovery point selector an unplanned failover uses. */
  declare public readonly recoveryPoint: pulumi.Output<string>;
  /** Whether an unplanned failover is committed once its VMs run. */
  declare public readonly commitFailover: pulumi.Output<boolean>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** The guest shutdown timeout in seconds. */
  declare public readonly shutdownTimeoutSeconds: pulumi.Output<number>;
  /** Whether a VM may be powered off hard when its guest does not shut down. */
  declare public readonly allowHardPowerOff: pulumi.Output<boolean>;
  /** The site where the VMs run, as observed, or null when they run on neither (or, wrongly, on both). */
  declare public readonly runningSite: pulumi.Output<string | null>;
  /** The steps still to take (`site: action`), planned from what was observed; empty when the sites match. */
  declare public readonly pendingSteps: pulumi.Output<string[]>;
  /** When both sites were read for these outputs (ISO 8601). */
  declare public readonly observedAt: pulumi.Output<string>;
  /** The steps of the last change with their jobs, or null when none has been needed. */
  declare public readonly lastChange: pulumi.Output<ChangeOutput | null>;
  /**
   * The report of the last run that called Hyper-V to change something: every call with its job's times on the
   * host, the recovery point and its age at the first call (the RPO achieved), the time until the last VM ran (the
   * RTO achieved), the collections before and after, the outcome, and a one-line `summary`. Null before any such run.
   */
  declare public readonly lastReport: pulumi.Output<ReportOutput | null>;

  constructor(name: string, args: ReplicatedCollectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      replicatedCollectionProvider,
      name,
      {
        runningSite: undefined,
        pendingSteps: undefined,
        observedAt: undefined,
        lastChange: undefined,
        acknowledgeDataLoss: undefined,
        rehearsalMinutes: undefined,
        recoveryPoint: undefined,
        commitFailover: undefined,
        jobTimeoutSeconds: undefined,
        shutdownTimeoutSeconds: undefined,
        allowHardPowerOff: undefined,
        lastReport: undefined,
        ...args,
        sites: secretPasswords(args.sites),
      },
      opts,
      "hyperv-replica",
      "ReplicatedCollection",
    );
  }
}

/**
 * Marks each site's password secret, and only it (shared.ts), so the engine encrypts it in state. A sites map given
 * as one Output cannot be split by site name before it resolves: it is marked through, and so is secret as a whole.
 */
function secretPasswords(sites: ReplicatedCollectionArgs["sites"]): pulumi.Input<unknown> {
  if (!pulumi.Output.isInstance(sites) && !(sites instanceof Promise)) {
    return Object.fromEntries(Object.entries(sites).map(([name, site]) => [name, secretSite(site)]));
  }
  return pulumi.output(sites).apply((all) =>
    Object.fromEntries(
      Object.entries(all).map(([name, site]) => {
        const password = site.connection?.password;
        if (password === undefined) return [name, site];
        return [name, { ...site, connection: { ...site.connection, password: pulumi.secret(password) } }];
      }),
    ),
  );
}

/** One site with only its password secret; a site given as one Output is marked through, as a whole. */
function secretSite(site: pulumi.Input<SiteArgs>): pulumi.Input<unknown> {
  if (pulumi.Output.isInstance(site) || site instanceof Promise) {
    return pulumi.output(site).apply((s) => ({ ...s, ...connectionOf(s) }));
  }
  return { ...site, ...connectionOf(site) };
}

const connectionOf = (site: { connection?: pulumi.Input<ConnectionArgs> }) =>
  site.connection === undefined ? {} : { connection: secretPassword(site.connection) };
