import { Construct } from "../../cdktf";
import type { IImage, IProject, IVolume, IVolumeType } from "../interfaces";
import { BlockstorageVolumeV3 } from "../provider";
import { addProblem } from "../validation";

/** Props of {@link Volume}. */
export interface VolumeProps {
  /** Volume name. */
  readonly name: string;
  /** Size in GiB, at least 1. */
  readonly sizeGb: number;
  /** A {@link VolumeType} of the stack or the name of an existing one. @default the cloud's default type */
  readonly volumeType?: IVolumeType | string;
  /** Make a bootable volume from this image. @default an empty volume */
  readonly image?: IImage;
  /** @default none */
  readonly description?: string;
  /** @default the cloud's default zone */
  readonly availabilityZone?: string;
  /** @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Grow in place while attached (needs Cinder API 3.42). @default false */
  readonly enableOnlineResize?: boolean;
  /** Owner project (Cinder creates the volume in the credentials' project; this declares it for ownership checks). @default the project of the stack's credentials */
  readonly project?: IProject;
}

/** A Cinder volume. */
export class Volume extends Construct implements IVolume {
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: BlockstorageVolumeV3;
  /** Name as the cloud knows it. */
  readonly name: string;
  readonly project?: IProject;

  constructor(scope: Construct, id: string, props: VolumeProps) {
    super(scope, id);
    this.name = props.name;
    this.project = props.project;
    if (!Number.isInteger(props.sizeGb) || props.sizeGb < 1) {
      addProblem(this, `sizeGb is ${props.sizeGb}; expected an integer ≥ 1`);
    }
    this.resource = new BlockstorageVolumeV3(this, "volume", {
      name: props.name,
      size: props.sizeGb,
      // A type of the stack by reference, so the volume waits for it.
      volumeType:
        typeof props.volumeType === "string"
          ? props.volumeType
          : ((props.volumeType as { readonly resource?: { readonly name: string } } | undefined)?.resource?.name ?? props.volumeType?.name),
      imageId: props.image?.id,
      description: props.description,
      availabilityZone: props.availabilityZone,
      metadata: props.metadata ? { ...props.metadata } : undefined,
      enableOnlineResize: props.enableOnlineResize,
    });
  }

  get id(): string {
    return this.resource.id;
  }
}
