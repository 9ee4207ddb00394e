import * as hvr from "pulumi-hyperv-replica";

// The points a failover or drill could use, newest first, and the one a selector picks.
const points = hvr.getRecoveryPointsOutput({
  collectionName: "sql-cluster",
  recoveryPoint: "before:2026-12-01T06:00:00Z",
});

export const newest = points.recoveryPoints.apply((all) => all[0]?.creationTime);
export const chosen = points.chosen;
