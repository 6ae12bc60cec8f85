/** Public API of the topology: model, defaults, validation, YAML inventories, builder. */
export * from "./model";
export { resolveTopology, resolveExternalNetwork, resolveNeutron, resolveServices } from "./resolve";
export { loadInventory, parseInventory, type InventoryOptions } from "./inventory";
export { loadTopology, type TopologyOptions } from "./load";
export { validateTopologySpec, BUILDER_SOURCE, type Locator, type Position, type SpecSource, type TopologyCheck } from "./validate";
export { InventoryError, formatIssue, formatPath, type InventoryIssue, type PathSegment, type PendingIssue } from "./issues";
export { RULES, ruleIssues, type Rule, type RuleContext } from "./rules";
export { inventorySchema, schemaIssues } from "./schema-check";
export { releaseFacts, ReleaseFacts, SERVICE_INSTALL_PARAMETERS, packstackDataDir } from "./release-facts";
export { CloudBuilder } from "./builder";
