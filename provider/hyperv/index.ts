export * from "./codes";
export * from "./errors";
export * from "./collections";
export * from "./jobs";
export * from "./replicationService";
export * from "./runningJobs";
export * from "./retry";
export * from "./hostIdentity";
