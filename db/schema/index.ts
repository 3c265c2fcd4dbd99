export * from "./users";
export * from "./ledger";
export * from "./cases";
