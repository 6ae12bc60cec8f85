import { Construct } from "../../cdktf";
import type { Image } from "../compute/image";
import { BlockstorageVolumeV3 } from "../provider";
import { addProblem } from "../validation";
import type { VolumeType } from "./volume-type";

export interface VolumeProps {
  readonly name: string;
  readonly sizeGb: number;
  /** A {@link VolumeType} of the stack or the name of an existing one. @default the cloud's default type */
  readonly volumeType?: VolumeType | string;
  /** Make a bootable volume from this image. @default an empty volume */
  readonly image?: Image;
  /** @default none */
  readonly description?: string;
  /** @default the cloud's default zone */
  readonly availabilityZone?: string;
  /** @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Grow in place while attached (needs Cinder API 3.42). @default false */
  readonly enableOnlineResize?: boolean;
}

/** A Cinder volume. */
export class Volume extends Construct {
  readonly resource: BlockstorageVolumeV3;
  readonly name: string;

  constructor(scope: Construct, id: string, props: VolumeProps) {
    super(scope, id);
    this.name = props.name;
    if (!Number.isInteger(props.sizeGb) || props.sizeGb < 1) {
      addProblem(this, `sizeGb is ${props.sizeGb}; expected an integer ≥ 1`);
    }
    this.resource = new BlockstorageVolumeV3(this, "volume", {
      name: props.name,
      size: props.sizeGb,
      volumeType: typeof props.volumeType === "string" ? props.volumeType : props.volumeType?.resource.name,
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
