/** Manifests, indexes and image configs: OCI and Docker v2 schema 2 media types, parsed and checked. */
import { PlumbingError } from '@plumbing/model';
import { formatPlatform, type Platform, platformMatches } from './platform.js';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

/** What a manifest request accepts. */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
}

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

/** The part of an image config a step runs with. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  config?: { Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string; User?: string };
}

export type LayerCompression = 'gzip' | 'zstd' | 'none';

const LAYER_TYPES: Readonly<Record<string, LayerCompression>> = {
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
};

/** How a layer is compressed, from its media type. */
export function layerCompression(mediaType: string): LayerCompression {
  const c = LAYER_TYPES[mediaType];
  if (!c) throw new PlumbingError('OCI_LAYER_UNSUPPORTED', `unsupported layer media type ${mediaType}`);
  return c;
}

function descriptor(v: unknown, where: string): Descriptor {
  const d = v as Partial<Descriptor> | undefined;
  if (!d || typeof d.digest !== 'string' || typeof d.size !== 'number' || typeof d.mediaType !== 'string') {
    throw new PlumbingError('OCI_MANIFEST_INVALID', `${where}: descriptor without mediaType, digest and size`);
  }
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.platform) out.platform = d.platform;
  return out;
}

/** Parses a manifest body; `contentType` is the response's (bodies may omit mediaType). */
export function parseManifest(body: Buffer, contentType: string | undefined, where: string): ImageManifest | ImageIndex {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new PlumbingError('OCI_MANIFEST_INVALID', `${where}: the manifest is not JSON`, { cause: err });
  }
  const mediaType = (typeof doc.mediaType === 'string' ? doc.mediaType : undefined) ?? contentType?.split(';')[0]?.trim() ?? '';
  if (doc.schemaVersion === 1 || mediaType.startsWith('application/vnd.docker.distribution.manifest.v1+')) {
    throw new PlumbingError('OCI_MANIFEST_UNSUPPORTED', `${where}: Docker schema 1 manifests are not supported (push the image again with a current tool)`);
  }
  if (mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList || (Array.isArray(doc.manifests) && !doc.config)) {
    const list = Array.isArray(doc.manifests) ? doc.manifests : [];
    return { kind: 'index', mediaType, manifests: list.map((m, i) => descriptor(m, `${where} manifests[${i}]`)) };
  }
  if (mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest || doc.config) {
    const layers = Array.isArray(doc.layers) ? doc.layers : [];
    return { kind: 'manifest', mediaType, config: descriptor(doc.config, `${where} config`), layers: layers.map((l, i) => descriptor(l, `${where} layers[${i}]`)) };
  }
  throw new PlumbingError('OCI_MANIFEST_UNSUPPORTED', `${where}: unsupported manifest media type "${mediaType}"`);
}

/** The index entry for a platform; the error lists the platforms there are. */
export function selectPlatform(index: ImageIndex, want: Platform, where: string): Descriptor {
  const found = index.manifests.find((m) => platformMatches(m.platform, want));
  if (found) return found;
  const have = index.manifests.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).filter((p) => p !== 'unknown/unknown');
  throw new PlumbingError('OCI_PLATFORM_MISSING', `${where} has no image for ${formatPlatform(want)} (it has: ${have.join(', ') || 'none'})`, {
    hint: 'pick one of its platforms with --platform',
  });
}
