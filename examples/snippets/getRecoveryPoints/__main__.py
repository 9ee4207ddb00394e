import pulumi
import pulumi_hyperv_replica as hvr

# The points a failover or drill could use, newest first, and the one a selector picks.
points = hvr.get_recovery_points_output(
    collection_name="sql-cluster",
    recovery_point="before:2026-12-01T06:00:00Z",
)

pulumi.export("newest", points.recovery_points.apply(lambda all: all[0].creation_time if all else None))
pulumi.export("chosen", points.chosen)
