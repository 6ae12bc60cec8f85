/**
 * The one place rdoctl names the generated terraform-provider-openstack bindings
 * (`npm run provider:gen` writes them into `.gen/providers/openstack`). Each class is imported
 * from its own module rather than the package index so a stack loads only what it uses.
 */
export { OpenstackProvider } from "../../.gen/providers/openstack/provider";
export { IdentityProjectV3 } from "../../.gen/providers/openstack/identity-project-v3";
export { IdentityUserV3 } from "../../.gen/providers/openstack/identity-user-v3";
export { IdentityGroupV3 } from "../../.gen/providers/openstack/identity-group-v3";
export { IdentityRoleV3 } from "../../.gen/providers/openstack/identity-role-v3";
export { IdentityRoleAssignmentV3 } from "../../.gen/providers/openstack/identity-role-assignment-v3";
export { IdentityUserMembershipV3 } from "../../.gen/providers/openstack/identity-user-membership-v3";
export { DataOpenstackIdentityRoleV3 } from "../../.gen/providers/openstack/data-openstack-identity-role-v3";
export { ComputeQuotasetV2 } from "../../.gen/providers/openstack/compute-quotaset-v2";
export { NetworkingQuotaV2 } from "../../.gen/providers/openstack/networking-quota-v2";
export { BlockstorageQuotasetV3 } from "../../.gen/providers/openstack/blockstorage-quotaset-v3";
export { ImagesImageV2 } from "../../.gen/providers/openstack/images-image-v2";
export { ComputeFlavorV2 } from "../../.gen/providers/openstack/compute-flavor-v2";
export { ComputeFlavorAccessV2 } from "../../.gen/providers/openstack/compute-flavor-access-v2";
export { ComputeKeypairV2 } from "../../.gen/providers/openstack/compute-keypair-v2";
export { NetworkingNetworkV2 } from "../../.gen/providers/openstack/networking-network-v2";
export { NetworkingSubnetV2 } from "../../.gen/providers/openstack/networking-subnet-v2";
export { NetworkingRouterV2 } from "../../.gen/providers/openstack/networking-router-v2";
export { NetworkingRouterInterfaceV2 } from "../../.gen/providers/openstack/networking-router-interface-v2";
export { NetworkingSecgroupV2 } from "../../.gen/providers/openstack/networking-secgroup-v2";
export { NetworkingSecgroupRuleV2 } from "../../.gen/providers/openstack/networking-secgroup-rule-v2";
export { NetworkingFloatingipV2 } from "../../.gen/providers/openstack/networking-floatingip-v2";
export { NetworkingFloatingipAssociateV2 } from "../../.gen/providers/openstack/networking-floatingip-associate-v2";
export { NetworkingPortV2 } from "../../.gen/providers/openstack/networking-port-v2";
export { BlockstorageVolumeV3 } from "../../.gen/providers/openstack/blockstorage-volume-v3";
export { BlockstorageVolumeTypeV3 } from "../../.gen/providers/openstack/blockstorage-volume-type-v3";
export { ObjectstorageContainerV1 } from "../../.gen/providers/openstack/objectstorage-container-v1";
export { OrchestrationStackV1 } from "../../.gen/providers/openstack/orchestration-stack-v1";
export { ComputeInstanceV2 } from "../../.gen/providers/openstack/compute-instance-v2";
export { ComputeServergroupV2 } from "../../.gen/providers/openstack/compute-servergroup-v2";
export { DataOpenstackNetworkingNetworkV2 } from "../../.gen/providers/openstack/data-openstack-networking-network-v2";
export { DataOpenstackComputeFlavorV2 } from "../../.gen/providers/openstack/data-openstack-compute-flavor-v2";
export { DataOpenstackNetworkingSubnetV2 } from "../../.gen/providers/openstack/data-openstack-networking-subnet-v2";
export { DataOpenstackNetworkingRouterV2 } from "../../.gen/providers/openstack/data-openstack-networking-router-v2";
export { DataOpenstackNetworkingSecgroupV2 } from "../../.gen/providers/openstack/data-openstack-networking-secgroup-v2";
export { DataOpenstackImagesImageV2 } from "../../.gen/providers/openstack/data-openstack-images-image-v2";
export { DataOpenstackIdentityProjectV3 } from "../../.gen/providers/openstack/data-openstack-identity-project-v3";
export { DataOpenstackIdentityUserV3 } from "../../.gen/providers/openstack/data-openstack-identity-user-v3";
export { DataOpenstackIdentityGroupV3 } from "../../.gen/providers/openstack/data-openstack-identity-group-v3";
export { DataOpenstackComputeKeypairV2 } from "../../.gen/providers/openstack/data-openstack-compute-keypair-v2";
export { DataOpenstackComputeServergroupV2 } from "../../.gen/providers/openstack/data-openstack-compute-servergroup-v2";
export { ComputeVolumeAttachV2 } from "../../.gen/providers/openstack/compute-volume-attach-v2";
export { DataOpenstackNetworkingPortV2 } from "../../.gen/providers/openstack/data-openstack-networking-port-v2";
