import * as pulumi from "@pulumi/pulumi";
import { vmGroupProvider } from "./provider";
import type { ConnectionArgs, ConnectionOutput } from "../shared";
import { secretPassword } from "../shared";

/** The inputs of a {@link VmGroup}. */
export interface VmGroupArgs {
  /**
   * The VM group's name (its ElementName). Changing it renames the group in place (RenameCollection). Hyper-V does
   * not require names to be unique, but creating a group whose name another group has is refused: import that one.
   */
  name: pulumi.Input<string>;
  /**
   * The member VMs, each by its name or its id (a GUID; Get-VM shows both). Each must name exactly one VM of the
   * cluster. Changing the list adds and removes members in place (AddMember, RemoveMember); VMs that leave the
   * group stay on the host. Default none.
   */
  members?: pulumi.Input<pulumi.Input<string>[]>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** How to reach the cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** A member VM of a VM group, as the host shows it. */
export interface VmGroupMemberOutput {
  /** The VM's name (ElementName). */
  readonly name: string;
  /** The VM's id (Msvm_ComputerSystem.Name, a GUID). */
  readonly id: string;
}

/**
 * A Hyper-V VM group (a VM collection, Msvm_VirtualSystemCollection) and its member VMs, made through
 * Msvm_CollectionManagementService: DefineCollection creates it, AddMember and RemoveMember change its members,
 * RenameCollection renames it, and deleting it empties it (RemoveMember) before DestroyCollection, leaving its VMs
 * on the host. Deleting a group that
 * still replicates is refused. Its id is the CollectionID, which the other resources take as collectionId.
 */
export class VmGroup extends pulumi.dynamic.Resource {
  /** The group's CollectionID (a GUID; also the resource's id): the collectionId the other resources take. */
  declare public readonly collectionId: pulumi.Output<string>;
  /** The group's name (ElementName), as the host shows it. */
  declare public readonly name: pulumi.Output<string>;
  /** The member VMs as the host shows them (name and id), sorted by name. */
  declare public readonly memberVms: pulumi.Output<VmGroupMemberOutput[]>;
  /** The `members` input as applied: the VMs the program names. */
  declare public readonly members: pulumi.Output<string[]>;
  /** The group's ReplicationState number (0 Disabled: it does not replicate). */
  declare public readonly replicationState: pulumi.Output<number>;
  /**
   * The SystemName of the host's Msvm_CollectionReplicationService, read when the group was made or imported:
   * refresh drops the resource only when this host answers that the group is gone. Null when the host reported none.
   */
  declare public readonly hostSystemName: pulumi.Output<string | null>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** The resource's own `connection` input, without its password; null when stack config is used. */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;

  constructor(name: string, args: VmGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      vmGroupProvider,
      name,
      {
        // Output-only keys are registered as undefined so that their `declare`d fields get values.
        collectionId: undefined,
        memberVms: undefined,
        members: undefined,
        replicationState: undefined,
        hostSystemName: undefined,
        jobTimeoutSeconds: undefined,
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
      },
      opts,
      "hyperv-replica",
      "VmGroup",
    );
  }
}
