import { Construct } from "../../cdktf";
import { BlockstorageVolumeTypeV3 } from "../provider";
import { ImportedVolumeType } from "../imported";
import type { IVolumeType } from "../interfaces";
import { addProblem } from "../validation";

/** Props of {@link VolumeType}. */
export interface VolumeTypeProps {
  /** Volume type name, unique in Cinder. */
  readonly name: string;
  /** @default none */
  readonly description?: string;
  /** @default true */
  readonly isPublic?: boolean;
  /**
   * Cinder backend (`volume_backend_name` of cinder.conf) the type schedules to; Packstack's
   * LVM backend is `lvm`. Merged into extraSpecs. @default any backend
   */
  readonly backendName?: string;
  /** @default {} */
  readonly extraSpecs?: Readonly<Record<string, string>>;
}

/** A Cinder volume type. */
export class VolumeType extends Construct implements IVolumeType {
  /** A volume type the cloud has, by name (volumes take the name; the provider has no data source for types). */
  static fromName(scope: Construct, id: string, name: string): IVolumeType {
    return new ImportedVolumeType(scope, id, name);
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: BlockstorageVolumeTypeV3;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: VolumeTypeProps) {
    super(scope, id);
    this.name = props.name;
    const specs: Record<string, string> = { ...props.extraSpecs };
    if (props.backendName !== undefined) {
      if (specs.volume_backend_name !== undefined && specs.volume_backend_name !== props.backendName) {
        addProblem(this, `backendName ${props.backendName} contradicts extraSpecs.volume_backend_name ${specs.volume_backend_name}`);
      }
      specs.volume_backend_name = props.backendName;
    }
    this.resource = new BlockstorageVolumeTypeV3(this, "type", {
      name: props.name,
      description: props.description,
      isPublic: props.isPublic ?? true,
      extraSpecs: Object.keys(specs).length > 0 ? specs : undefined,
    });
  }
}
