export * from "./types";
export * from "./errors";
export * from "./datetime";
export * from "./embeddedInstance";
export * from "./classes";
