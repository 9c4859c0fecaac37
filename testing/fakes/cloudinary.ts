// A small local stand-in for Cloudinary's upload API. The real cloudinary SDK is pointed at it
// through CLOUDINARY_API_BASE; it checks what Cloudinary checks — the API key and the SHA-1
// signature of the sorted parameters with the API secret — and answers as Cloudinary does.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUpload {
  publicId: string;
  /** The remote URL Cloudinary was asked to fetch, or undefined for an uploaded file. */
  url: string | undefined;
  bytes: Buffer | undefined;
  params: Record<string, string>;
}

export interface FakeCloudinary {
  apiBase: string;
  cloudName: string;
  apiKey: string;
  apiSecret: string;
  /** Accepted uploads, in order. */
  uploads: FakeUpload[];
  /** Requests refused for a bad key or signature (a correct client makes none). */
  rejected: string[];
  /** Remote URLs matching this are "unreachable": 400, as Cloudinary answers a fetch it cannot do. */
  unreachable: RegExp | undefined;
  /** The next n uploads answer 500. */
  failNext(count?: number): void;
  /** Environment for the app: the real credentials trio plus the API base. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Cloudinary's request signature: sorted `key=value` pairs joined by `&`, then the secret, SHA-1. */
function cloudinarySignature(params: Record<string, string>, secret: string): string {
  const toSign = Object.entries(params)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`.replace(/&/g, '%26'))
    .join('&');
  return createHash('sha1')
    .update(toSign + secret)
    .digest('hex');
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startFakeCloudinary(): Promise<FakeCloudinary> {
  const cloudName = 'fake-cloud';
  const apiKey = '123456789012345';
  const apiSecret = 'fake-cloudinary-secret';
  let failures = 0;
  let version = 1_700_000_000;

  const fake = {
    cloudName,
    apiKey,
    apiSecret,
    uploads: [] as FakeUpload[],
    rejected: [] as string[],
    unreachable: undefined as RegExp | undefined,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST' || request.url !== `/v1_1/${cloudName}/image/upload`) {
      return answer(response, 404, { error: { message: `No route ${request.method} ${request.url}` } });
    }
    const body = await readBody(request);
    // The Fetch API's multipart parser reads the SDK's multipart/form-data body.
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': request.headers['content-type'] ?? '' },
    }).formData();
    const params: Record<string, string> = {};
    let file: Buffer | string | undefined;
    for (const [key, value] of form.entries()) {
      if (key === 'file') file = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
      else if (typeof value === 'string') params[key] = value;
    }
    const { signature, api_key: givenKey, ...signed } = params;
    if (givenKey !== apiKey) {
      fake.rejected.push(`unknown api_key ${givenKey}`);
      return answer(response, 401, { error: { message: `Unknown API key ${givenKey}` } });
    }
    if (!signed.timestamp || signature !== cloudinarySignature(signed, apiSecret)) {
      fake.rejected.push(`bad signature for ${JSON.stringify(signed)}`);
      return answer(response, 401, { error: { message: 'Invalid Signature' } });
    }
    if (failures > 0) {
      failures -= 1;
      return answer(response, 500, { error: { message: 'General Error' } });
    }
    if (file === undefined) return answer(response, 400, { error: { message: 'Missing required parameter - file' } });
    const url = typeof file === 'string' ? file : undefined;
    if (url && fake.unreachable?.test(url)) return answer(response, 400, { error: { message: `Resource not found - ${url}` } });
    const publicId = signed.public_id ?? `random${fake.uploads.length}`;
    fake.uploads.push({ publicId, url, bytes: typeof file === 'string' ? undefined : file, params: signed });
    version += 1;
    const format = url ? (/\.(png|gif|webp)$/i.exec(url)?.[1]?.toLowerCase() ?? 'jpg') : 'png';
    answer(response, 200, {
      public_id: publicId,
      version,
      format,
      resource_type: 'image',
      type: 'upload',
      bytes: typeof file === 'string' ? 1234 : file.length,
      url: `http://res.cloudinary.com/${cloudName}/image/upload/v${version}/${publicId}.${format}`,
      secure_url: `https://res.cloudinary.com/${cloudName}/image/upload/v${version}/${publicId}.${format}`,
    });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => answer(response, 500, { error: { message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(fake, {
    apiBase,
    failNext(count = 1) {
      failures = count;
    },
    env: () => ({
      CLOUDINARY_CLOUD_NAME: cloudName,
      CLOUDINARY_API_KEY: apiKey,
      CLOUDINARY_API_SECRET: apiSecret,
      CLOUDINARY_API_BASE: apiBase,
    }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  });
}
