// GET /media/<file>: images of the local media store (used when Cloudinary is not configured).
// Names are unique per upload (a random public id), so an answer never changes: cache it for good.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../http/errors.js';
import { mediaDirectory } from '../media/local-store.js';
import type { OperationTable } from '../services.js';

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

export const mediaOperations = {
  getMedia: {
    async handle({ params, services }) {
      // The spec's pattern already rules out path separators; dot-names (".", "..", temporary files)
      // and anything that is not an image are not served either.
      const contentType = CONTENT_TYPES[path.extname(params.filename).toLowerCase()];
      if (params.filename.startsWith('.') || !contentType) throw notFound('File not found.');
      let bytes: Buffer;
      try {
        bytes = await readFile(path.join(mediaDirectory(services.config.dataDir), params.filename));
      } catch (error) {
        if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw notFound('File not found.');
        throw error;
      }
      return {
        status: 200,
        body: bytes as unknown as string,
        headers: { 'Content-Type': contentType, 'Cache-Control': 'public, max-age=31536000, immutable' },
      };
    },
  },
} satisfies Partial<OperationTable>;
