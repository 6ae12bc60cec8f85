/**
 * The one module through which rdoctl imports cdktf. cdktf is archived upstream; its fork
 * CDK Terrain (`cdktn`) keeps the same classes, so moving to it is an edit of this file
 * (and of the generated bindings' import, see scripts/gen-provider.mjs).
 */
export * from "cdktf";
export { Construct, type IConstruct } from "constructs";
