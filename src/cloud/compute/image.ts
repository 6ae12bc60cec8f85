import * as fs from "node:fs";
import * as path from "node:path";
import { Annotations, Construct } from "../../cdktf";
import { ImagesImageV2 } from "../provider";
import { ImportedImage } from "../imported";
import type { IImage } from "../interfaces";
import { addProblem } from "../validation";

/** Disk formats Glance accepts. */
export const DISK_FORMATS = ["raw", "vhd", "vhdx", "vmdk", "vdi", "iso", "ploop", "qcow2", "aki", "ari", "ami"] as const;
/** One of {@link DISK_FORMATS}. */
export type DiskFormat = (typeof DISK_FORMATS)[number];
/** Container formats Glance accepts. */
export const CONTAINER_FORMATS = ["bare", "ovf", "aki", "ari", "ami", "ova", "docker", "compressed"] as const;
/** One of {@link CONTAINER_FORMATS}. */
export type ContainerFormat = (typeof CONTAINER_FORMATS)[number];
/** Who sees the image, as Glance says it. */
export type ImageVisibility = "public" | "private" | "community" | "shared";

/**
 * Where the image bits come from.
 *
 * - `{ url }`: by default Glance downloads the URL itself (`web_download`), so a multi-GB image
 *   never crosses the laptop or CI runner running Terraform; the cloud's controller must reach
 *   the URL. `via: "terraform"` downloads it on the Terraform machine and uploads it instead,
 *   for URLs only that machine can reach.
 * - `{ file }`: a file on the Terraform machine, uploaded by the provider.
 */
export type ImageSource =
  | { readonly url: string; /** @default "glance" */ readonly via?: "glance" | "terraform" }
  | { readonly file: string };

/** Props of {@link Image}. */
export interface ImageProps {
  /** Image name in Glance. */
  readonly name: string;
  /** Where Glance gets the image data. */
  readonly source: ImageSource;
  /** @default "qcow2" */
  readonly diskFormat?: DiskFormat;
  /** @default "bare" */
  readonly containerFormat?: ContainerFormat;
  /** `public` needs an admin. @default "private" */
  readonly visibility?: ImageVisibility;
  /** Glance properties, e.g. `{ hw_disk_bus: "scsi", os_distro: "cirros" }`. @default {} */
  readonly properties?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly tags?: readonly string[];
  /** @default 0 */
  readonly minDiskGb?: number;
  /** @default 0 */
  readonly minRamMb?: number;
  /** @default false */
  readonly protected?: boolean;
  /**
   * Expected MD5 of the image data (Glance's `checksum`). Checked by a Terraform postcondition
   * once the image exists, so a wrong or tampered download fails the apply.
   * @default no check beyond the provider's own upload verification
   */
  readonly checksum?: string;
}

/** A Glance image. */
export class Image extends Construct implements IImage {
  /** An image the cloud has: the most recent one with this name. */
  static fromName(scope: Construct, id: string, name: string): IImage {
    return new ImportedImage(scope, id, { name });
  }

  /** An image the cloud has, by id. */
  static fromId(scope: Construct, id: string, imageId: string): IImage {
    return new ImportedImage(scope, id, { id: imageId });
  }

  /** The provider resource: the escape hatch for arguments the props do not cover. */
  readonly resource: ImagesImageV2;
  /** Name as the cloud knows it. */
  readonly name: string;

  constructor(scope: Construct, id: string, props: ImageProps) {
    super(scope, id);
    this.name = props.name;
    const diskFormat = props.diskFormat ?? "qcow2";
    const containerFormat = props.containerFormat ?? "bare";
    if (!DISK_FORMATS.includes(diskFormat)) {
      addProblem(this, `disk format ${diskFormat} is unknown; expected one of ${DISK_FORMATS.join(", ")}`);
    }
    if (!CONTAINER_FORMATS.includes(containerFormat)) {
      addProblem(this, `container format ${containerFormat} is unknown; expected one of ${CONTAINER_FORMATS.join(", ")}`);
    }
    if (props.checksum !== undefined && !/^[0-9a-f]{32}$/.test(props.checksum)) {
      addProblem(this, `checksum ${props.checksum} is not an MD5 digest (32 lowercase hex digits)`);
    }

    let source: { imageSourceUrl?: string; webDownload?: boolean; localFilePath?: string };
    if ("url" in props.source) {
      if (!/^https?:\/\/[^/\s]+/.test(props.source.url)) {
        addProblem(this, `image URL ${props.source.url} is not an http(s) URL`);
      }
      source = { imageSourceUrl: props.source.url, webDownload: (props.source.via ?? "glance") === "glance" };
    } else {
      const file = path.resolve(props.source.file);
      // The file is read at apply time, possibly on another machine, so a missing file here is a warning.
      if (!fs.existsSync(file)) Annotations.of(this).addWarning(`image file ${file} does not exist on this machine`);
      source = { localFilePath: file };
    }

    this.resource = new ImagesImageV2(this, "image", {
      name: props.name,
      diskFormat,
      containerFormat,
      visibility: props.visibility ?? "private",
      properties: props.properties ? { ...props.properties } : undefined,
      tags: props.tags && props.tags.length > 0 ? [...props.tags] : undefined,
      minDiskGb: props.minDiskGb,
      minRamMb: props.minRamMb,
      protected: props.protected,
      ...source,
      lifecycle:
        props.checksum === undefined
          ? undefined
          : {
              postcondition: [
                {
                  condition: `\${self.checksum == "${props.checksum}"}`,
                  errorMessage: `Image ${props.name}: Glance checksum differs from the expected MD5 ${props.checksum}.`,
                },
              ],
            },
    });
  }

  get id(): string {
    return this.resource.id;
  }
}
