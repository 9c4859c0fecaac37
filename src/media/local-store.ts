// Images kept on this server's disk (no Cloudinary configured): ${DATA_DIR}/media, served by
// GET /media/<file>. The file name comes from the public id, so it matches the media route's
// safe pattern and a re-upload under the same id replaces the file.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageFormat, ImageSource, MediaStore } from './media-store.js';

const MEDIA_URL_PREFIX = '/media/';

const EXTENSIONS: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif' };

export function mediaDirectory(dataDir: string): string {
  return path.join(dataDir, 'media');
}

export class LocalMediaStore implements MediaStore {
  readonly kind = 'local';
  readonly directory: string;

  constructor(dataDir: string) {
    this.directory = mediaDirectory(dataDir);
  }

  async storeImage(source: ImageSource, publicId: string): Promise<string> {
    // Without Cloudinary there is nothing that fetches remote images for us: a URL stays the image.
    if ('url' in source) return source.url;
    const name = `${publicId.replace(/[^A-Za-z0-9._-]+/g, '-')}.${EXTENSIONS[source.format]}`;
    await mkdir(this.directory, { recursive: true });
    // Write then rename: a reader never sees half a file.
    const temporary = path.join(this.directory, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, source.bytes);
    await rename(temporary, path.join(this.directory, name));
    return `${MEDIA_URL_PREFIX}${name}`;
  }
}
