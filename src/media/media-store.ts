// Where product images go: Cloudinary when it is configured, the local media directory otherwise.
// Handlers and the seed only see this interface; the product's `image` is the URL it returns.

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export type ImageSource =
  /** Bytes of an image whose type was already checked. */
  | { bytes: Buffer; format: ImageFormat }
  /** An image on the web, fetched by the store itself. */
  | { url: string };

export interface MediaStore {
  readonly kind: 'cloudinary' | 'local';
  /**
   * Stores the image under `publicId` (e.g. "products/p01"; the same id replaces the earlier
   * image) and answers its public URL. Throws MediaStoreError when the store refuses or fails.
   */
  storeImage(source: ImageSource, publicId: string): Promise<string>;
}

export class MediaStoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaStoreError';
  }
}
