// Images on Cloudinary through its official SDK: signed uploads of bytes (a stream) or of a URL
// (Cloudinary fetches it). CLOUDINARY_API_BASE points the SDK's upload API at another host (the
// tests' local fake); an http:// base needs a plain-HTTP agent because the SDK picks its
// transport module once, when it is loaded.
//
// The SDK (several MB of a process's memory) is imported on the first upload, so a server storing
// media locally, or one that has not uploaded anything yet, never loads it.
import http from 'node:http';
import type { UploadApiErrorResponse, UploadApiOptions, UploadApiResponse } from 'cloudinary';
import type { Config } from '../config.js';
import { onFirstUse } from '../on-first-use.js';
import { MediaStoreError, type ImageSource, type MediaStore } from './media-store.js';

type CloudinaryConfig = NonNullable<Config['cloudinary']>;

/** The SDK's v2 API, imported once, on first use. */
const loadCloudinary = onFirstUse(() => import('cloudinary').then((module) => module.v2));

export class CloudinaryMediaStore implements MediaStore {
  readonly kind = 'cloudinary';
  private readonly options: UploadApiOptions;

  constructor(settings: CloudinaryConfig, timeoutMs = 60_000) {
    const apiBase = settings.apiBase?.replace(/\/+$/, '');
    // Credentials travel with every call instead of the SDK's global config, so two stores (or
    // tests with different servers) never share state.
    this.options = {
      cloud_name: settings.cloudName,
      api_key: settings.apiKey,
      api_secret: settings.apiSecret,
      resource_type: 'image',
      overwrite: true,
      invalidate: true,
      timeout: timeoutMs,
      ...(apiBase ? { upload_prefix: apiBase } : {}),
      ...(apiBase?.startsWith('http:') ? { agent: new http.Agent({ keepAlive: false }) } : {}),
    };
  }

  async storeImage(source: ImageSource, publicId: string): Promise<string> {
    const options = { ...this.options, public_id: publicId };
    const cloudinary = await loadCloudinary();
    const result = await new Promise<UploadApiResponse>((resolve, reject) => {
      const done = (error: UploadApiErrorResponse | undefined, response: UploadApiResponse | undefined) => {
        if (error || !response) reject(new MediaStoreError(`Cloudinary upload failed: ${describe(error)}`, { cause: error }));
        else resolve(response);
      };
      if ('url' in source) {
        cloudinary.uploader.upload(source.url, options, done).catch(() => undefined);
      } else {
        cloudinary.uploader.upload_stream(options, done).end(source.bytes);
      }
    });
    if (typeof result.secure_url !== 'string' || !result.secure_url) {
      throw new MediaStoreError('Cloudinary upload failed: the answer had no secure_url');
    }
    return result.secure_url;
  }
}

function describe(error: { message?: unknown; http_code?: unknown; error?: { message?: unknown } } | undefined): string {
  if (!error) return 'no answer';
  const message =
    typeof error.message === 'string' ? error.message : typeof error.error?.message === 'string' ? error.error.message : 'unknown error';
  return typeof error.http_code === 'number' ? `${message} (HTTP ${error.http_code})` : message;
}
