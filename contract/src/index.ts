// The /api contract: every request and response schema, the limits behind them and their types.
// The bridge's routers validate with these schemas and its OpenAPI document is generated from
// them; the client's API layer types its calls with them and checks responses in development.
export * from "./auth.js";
export * from "./directory.js";
export * from "./email.js";
export * from "./limits.js";
export * from "./partners.js";
export * from "./push.js";
export * from "./widget.js";
