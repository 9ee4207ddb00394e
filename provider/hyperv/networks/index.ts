export * from "./classes";
export * from "./read";
export * from "./write";
