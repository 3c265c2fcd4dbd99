export * from "./users";
export * from "./ledger";
export * from "./cases";
export * from "./requests";
export * from "./connectors";
export * from "./compliance";
export * from "./operations";
export * from "./notifications";
