import { Construct } from "../../cdktf";
import { ComputeFlavorAccessV2, ComputeFlavorV2 } from "../provider";
import { linkId } from "../link-ids";
import { ImportedFlavor } from "../imported";
import type { IFlavor, IProject } from "../interfaces";
import { identifierFrom, addProblem, readableName } from "../validation";

/** Props of {@link Flavor}. */
export interface FlavorProps {
  /** Flavor name, unique in Nova. */
  readonly name: string;
  /** Virtual CPUs, at least 1. */
  readonly vcpus: number;
  /** Memory in MiB, at least 1. */
  readonly ramMb: number;
  /** Root disk; 0 means the image's size (and forbids booting from image on some clouds). */
  readonly diskGb: number;
  /** @default 0 */
  readonly ephemeralGb?: number;
  /** @default 0 */
  readonly swapMb?: number;
  /** Public flavors are usable by every project; private ones by `projects` only. @default true */
  readonly isPublic?: boolean;
  /** Projects allowed to use a private flavor. @default [] */
  readonly projects?: readonly IProject[];
  /** e.g. `{ "hw:cpu_policy": "dedicated" }`. @default {} */
  readonly extraSpecs?: Readonly<Record<string, string>>;
  /** Fixed flavor id. @default a UUID Nova picks */
  readonly flavorId?: string;
  /** @default none */
  readonly description?: string;
}

/** A Nova flavor, public or private with per-project access. */
export class Flavor extends Construct implements IFlavor {
  /** A flavor the cloud has, by name. */
  static fromName(scope: Construct, id: string, name: string): IFlavor {
    return new ImportedFlavor(scope, id, { name });
  }

  /** A flavor the cloud has, by id. */
  static fromId(scope: Construct, id: string, flavorId: string): IFlavor {
    return new ImportedFlavor(scope, id, { id: flavorId });
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: ComputeFlavorV2;
  /** Name as the cloud knows it. */
  readonly name: string;
  private readonly isPublic: boolean;

  constructor(scope: Construct, id: string, props: FlavorProps) {
    super(scope, id);
    this.name = props.name;
    this.isPublic = props.isPublic ?? true;
    for (const [field, value, min] of [
      ["vcpus", props.vcpus, 1],
      ["ramMb", props.ramMb, 1],
      ["diskGb", props.diskGb, 0],
      ["ephemeralGb", props.ephemeralGb ?? 0, 0],
      ["swapMb", props.swapMb ?? 0, 0],
    ] as const) {
      if (!Number.isInteger(value) || value < min) addProblem(this, `${field} is ${value}; expected an integer ≥ ${min}`);
    }
    this.resource = new ComputeFlavorV2(this, "flavor", {
      name: props.name,
      vcpus: props.vcpus,
      ram: props.ramMb,
      disk: props.diskGb,
      ephemeral: props.ephemeralGb,
      swap: props.swapMb,
      isPublic: this.isPublic,
      extraSpecs: props.extraSpecs ? { ...props.extraSpecs } : undefined,
      flavorId: props.flavorId,
      description: props.description,
    });
    for (const project of props.projects ?? []) this.grantAccess(project);
  }

  get id(): string {
    return this.resource.id;
  }

  /** Lets a project use this private flavor. */
  grantAccess(project: IProject): ComputeFlavorAccessV2 {
    if (this.isPublic) {
      addProblem(this, `flavor ${this.name} is public; project access (${readableName(project)}) applies to private flavors only (isPublic: false)`);
    }
    const link = linkId(this, `access-${identifierFrom(readableName(project, "id"))}`, project);
    if (link.exists) {
      addProblem(this, `project ${readableName(project)} is given access to flavor ${this.name} twice`);
      return this.node.findChild(link.id) as ComputeFlavorAccessV2;
    }
    return new ComputeFlavorAccessV2(this, link.id, {
      flavorId: this.id,
      tenantId: project.id,
    });
  }
}
