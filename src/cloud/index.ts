/**
 * Day-1 constructs for an OpenStack cloud on terraform-provider-openstack: identity, images,
 * flavors, networks, storage, Heat and servers. Start a stack with {@link OpenStackCloud}.
 */
export * from "./app";
export * from "./cloud";
export { cloudsYamlCandidates, findCloudsYaml } from "./clouds-yaml";
export { addProblem, problemsOf, readableName } from "./validation";
export * from "./interfaces";
export * from "./imported";
export { ownershipProblems, owningProject, type Use } from "./ownership";
export * from "./identity/domain";
export * from "./identity/group";
export * from "./identity/project";
export * from "./identity/quotas";
export * from "./identity/role";
export * from "./identity/user";
export * from "./compute/flavor";
export * from "./compute/image";
export * from "./compute/keypair";
export * from "./compute/server";
export * from "./compute/vm-group";
export * from "./network/external-network";
export * from "./network/external-network-ref";
export * from "./network/floating-ip";
export * from "./network/router";
export * from "./network/security-group";
export * from "./network/tenant-network";
export * from "./storage/object-container";
export * from "./storage/volume";
export * from "./storage/volume-type";
export * from "./orchestration/heat-stack";
export * from "./orchestration/hot";
