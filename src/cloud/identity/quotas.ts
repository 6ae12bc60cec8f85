import { Construct } from "../../cdktf";
import defaults from "../data/quota-defaults.json";
import { BlockstorageQuotasetV3, ComputeQuotasetV2, NetworkingQuotaV2 } from "../provider";
import { addProblem } from "../validation";

/** Nova quotas. -1 is unlimited. */
export interface ComputeQuotas {
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly instances?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly cores?: number;
  /** MiB. */
  readonly ram?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly metadataItems?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly keyPairs?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly serverGroups?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly serverGroupMembers?: number;
}

/** Neutron quotas. -1 is unlimited. */
export interface NetworkQuotas {
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly network?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly subnet?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly subnetpool?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly port?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly router?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly floatingip?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly securityGroup?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly securityGroupRule?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly rbacPolicy?: number;
}

/** Cinder quotas. -1 is unlimited. */
export interface VolumeQuotas {
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly volumes?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly snapshots?: number;
  /** GiB over all volumes and snapshots. */
  readonly gigabytes?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly perVolumeGigabytes?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly backups?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly backupGigabytes?: number;
  /** @default OpenStack's upstream default (src/cloud/data/quota-defaults.json), unless quotaFill is "given-only" */
  readonly groups?: number;
}

/** A project's quotas, per service; a service left out keeps the cloud's defaults. */
export interface ProjectQuotas {
  /** @default none: Nova's defaults */
  readonly compute?: ComputeQuotas;
  /** @default none: Neutron's defaults */
  readonly network?: NetworkQuotas;
  /** @default none: Cinder's defaults */
  readonly volume?: VolumeQuotas;
}

/**
 * What happens to the quotas of a service the user set only partly.
 *
 * - `openstack-defaults`: every other quota of that service is written with the upstream
 *   default (src/cloud/data/quota-defaults.json). The quota set then never depends on how the
 *   provider treats unset arguments: releases before the fix for issue #973 sent them as zero,
 *   and openstack_blockstorage_quotaset_v3 was still reported doing so in 2025. The cost: a
 *   cloud whose operator raised the defaults in nova.conf/neutron.conf/cinder.conf gets the
 *   upstream figures for this project.
 * - `given-only`: only the values given are written; the rest are left to the provider and
 *   the cloud's configured defaults.
 *
 * A service with no quota given gets no quota resource at all in both modes.
 */
export type QuotaFill = "openstack-defaults" | "given-only";

/** Props of {@link QuotaSet}. */
export interface QuotaSetProps {
  /** Project id (token) the quotas apply to. */
  readonly projectId: string;
  /** The quotas to set, per service. */
  readonly quotas: ProjectQuotas;
  /** @default "openstack-defaults" */
  readonly fill?: QuotaFill;
}

/** Compute, network and volume quota resources of one project; see {@link QuotaFill}. */
export class QuotaSet extends Construct {
  /** The Nova quota resource, when compute quotas are given. */
  readonly compute?: ComputeQuotasetV2;
  /** The Neutron quota resource, when network quotas are given. */
  readonly network?: NetworkingQuotaV2;
  /** The Cinder quota resource, when volume quotas are given. */
  readonly volume?: BlockstorageQuotasetV3;

  constructor(scope: Construct, id: string, props: QuotaSetProps) {
    super(scope, id);
    const fill = props.fill ?? "openstack-defaults";
    const { compute, network, volume } = props.quotas;
    if (compute && Object.keys(compute).length > 0) {
      this.compute = new ComputeQuotasetV2(this, "compute", {
        projectId: props.projectId,
        ...this.complete("compute", compute, defaults.compute, fill),
      });
    }
    if (network && Object.keys(network).length > 0) {
      this.network = new NetworkingQuotaV2(this, "network", {
        projectId: props.projectId,
        ...this.complete("network", network, defaults.network, fill),
      });
    }
    if (volume && Object.keys(volume).length > 0) {
      this.volume = new BlockstorageQuotasetV3(this, "volume", {
        projectId: props.projectId,
        ...this.complete("volume", volume, defaults.volume, fill),
      });
    }
  }

  private complete<T extends object>(service: string, given: T, upstream: Required<T>, fill: QuotaFill): T {
    for (const [key, value] of Object.entries(given) as [string, unknown][]) {
      if (!(key in upstream)) {
        addProblem(this, `unknown ${service} quota ${key}; expected one of ${Object.keys(upstream).join(", ")}`);
      }
      if (value !== undefined && (typeof value !== "number" || !Number.isInteger(value) || value < -1)) {
        addProblem(this, `${service} quota ${key} is ${String(value)}; expected an integer ≥ 0, or -1 for unlimited`);
      }
    }
    const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as T;
    return fill === "openstack-defaults" ? { ...upstream, ...defined } : defined;
  }
}
