import { randomUUID } from "node:crypto";

/** Hyper-V prints GUIDs in upper case (VM Names, job InstanceIDs). */
export function newGuid(): string {
  return randomUUID().toUpperCase();
}
