import { Construct } from "../../cdktf";
import { ObjectstorageContainerV1 } from "../provider";
import { addProblem } from "../validation";

/** Props of {@link ObjectContainer}. */
export interface ObjectContainerProps {
  /** Swift container names: 1-256 bytes, no `/`. */
  readonly name: string;
  /** Read ACL, e.g. `.r:*,.rlistings` for a public container. @default owner only */
  readonly readAcl?: string;
  /** Write ACL, e.g. `<project_id>:*`. @default owner only */
  readonly writeAcl?: string;
  /** Keep old object versions (Swift ≥ 2.24 object versioning). @default false */
  readonly versioning?: boolean;
  /** @default {} */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Let `destroy` delete a non-empty container with its objects. @default false */
  readonly forceDestroy?: boolean;
  /** @default the cluster's default policy */
  readonly storagePolicy?: string;
}

/** A Swift container. */
export class ObjectContainer extends Construct {
  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: ObjectstorageContainerV1;

  constructor(scope: Construct, id: string, props: ObjectContainerProps) {
    super(scope, id);
    if (props.name.length === 0 || Buffer.byteLength(props.name) > 256 || props.name.includes("/")) {
      addProblem(this, `container name ${JSON.stringify(props.name)} must be 1-256 bytes without "/"`);
    }
    this.resource = new ObjectstorageContainerV1(this, "container", {
      name: props.name,
      containerRead: props.readAcl,
      containerWrite: props.writeAcl,
      versioning: props.versioning,
      metadata: props.metadata ? { ...props.metadata } : undefined,
      forceDestroy: props.forceDestroy ?? false,
      storagePolicy: props.storagePolicy,
    });
  }
}
