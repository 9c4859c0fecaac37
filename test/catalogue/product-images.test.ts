// Product images: multipart uploads through the real cloudinary SDK to a local fake of its upload
// API (signature checked), or to the local media directory served at /media/ when Cloudinary is
// not configured; type checked by magic bytes (415), size limited (413), upload failures 502.
import { expect } from 'chai';
import { staffClient, unique } from '../support/factories.js';
import { startFakeCloudinary, type FakeCloudinary } from '../../testing/fakes/cloudinary.js';
import { startServer, type TestServer } from '../support/server.js';
import type { Client } from '../support/client.js';

// A 1×1 PNG; the stores never decode images, they only check the signature bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x1a, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(14)]);

function form(fields: Record<string, string>, image?: { bytes: Buffer; name: string; type?: string }): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  if (image) data.append('image', new Blob([new Uint8Array(image.bytes)], { type: image.type ?? 'application/octet-stream' }), image.name);
  return data;
}

const fields = () => ({
  name: `Upload Tee ${unique()}`,
  price: '1495.50',
  category: 'Women',
  description: 'A tee whose picture came as a file upload.',
  stock: '5',
});

describe('product images through Cloudinary (real SDK, local fake upload API)', () => {
  let cloudinary: FakeCloudinary;
  let server: TestServer;
  let staff: Client;

  before(async () => {
    cloudinary = await startFakeCloudinary();
    server = await startServer(cloudinary.env());
    staff = await staffClient(server);
  });
  after(async () => {
    await server.close();
    await cloudinary.close();
  });
  afterEach(() => expect(cloudinary.rejected, 'requests the fake Cloudinary refused').to.deep.equal([]));

  it('creates a product from multipart fields and a file: the signed upload stores the bytes, image is the secure_url', async () => {
    const input = fields();
    const response = await staff.post('/api/products/create/', undefined, {
      rawBody: form(input, { bytes: PNG, name: 'tee.png', type: 'image/png' }),
    });
    expect(response.status).to.equal(201);
    // Form fields are text; they are read as the JSON schema's types (stock "5" → 5).
    expect(response.body).to.include({ name: input.name, price: '1495.50', category: 'women', stock: 5 });
    const upload = cloudinary.uploads.at(-1)!;
    expect(upload.bytes!.equals(PNG)).to.equal(true);
    expect(upload.publicId).to.match(/^products\/[0-9a-f-]{36}$/);
    expect(response.body.image).to.match(
      new RegExp(`^https://res\\.cloudinary\\.com/fake-cloud/image/upload/v\\d+/${upload.publicId}\\.png$`),
    );
  });

  it('validates multipart fields with the same rules and messages as JSON, before uploading anything', async () => {
    const uploads = cloudinary.uploads.length;
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ stock: 'many' }, 'stock', 'A valid integer is required.'],
      [{ stock: '-1' }, 'stock', 'Ensure this value is greater than or equal to 0.'],
      [{ stock: '2.5' }, 'stock', 'A valid integer is required.'],
      [{ price: '12.345' }, 'price', 'Enter an amount from 0 to 1000000 with no more than 2 decimal places.'],
      [{ category: 'kids' }, 'category', '"kids" is not a valid choice.'],
      [{ name: 'ab' }, 'name', 'Ensure this field has at least 3 characters.'],
    ];
    for (const [change, field, message] of cases) {
      const response = await staff.post('/api/products/create/', undefined, {
        rawBody: form({ ...fields(), ...change }, { bytes: PNG, name: 'tee.png' }),
      });
      expect(response.status, JSON.stringify(change)).to.equal(400);
      expect(response.body.fields[field]).to.deep.equal([message]);
    }
    expect(cloudinary.uploads.length).to.equal(uploads);
  });

  it('recognises the image type by its bytes: GIF and WebP pass whatever their name, anything else is 415', async () => {
    for (const bytes of [GIF, WEBP]) {
      const response = await staff.post('/api/products/create/', undefined, { rawBody: form(fields(), { bytes, name: 'picture.bin' }) });
      expect(response.status).to.equal(201);
    }
    const uploads = cloudinary.uploads.length;
    const input = fields();
    const fake = await staff.post('/api/products/create/', undefined, {
      rawBody: form(input, { bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), name: 'tee.png', type: 'image/png' }),
    });
    expect(fake.status).to.equal(415);
    expect(fake.body).to.include({ code: 'unsupported_media_type', error: 'Upload a valid image: JPEG, PNG, WebP or GIF.' });
    expect(cloudinary.uploads.length).to.equal(uploads);
    expect(await server.services.db('products').where({ name: input.name }).first()).to.equal(undefined);
  });

  it('refuses a file under another field name, and anonymous multipart writes, before uploading', async () => {
    const uploads = cloudinary.uploads.length;
    const data = form(fields());
    data.append('photo', new Blob([new Uint8Array(PNG)]), 'tee.png');
    const response = await staff.post('/api/products/create/', undefined, { rawBody: data });
    expect(response.status).to.equal(400);
    expect(response.body.fields).to.deep.equal({ photo: ['Unknown field.'] });
    const anonymous = await server
      .client()
      .post('/api/products/create/', undefined, { rawBody: form(fields(), { bytes: PNG, name: 'tee.png' }) });
    expect(anonymous.status).to.equal(401);
    expect(cloudinary.uploads.length).to.equal(uploads);
  });

  it('takes an image URL as a multipart text field too, without uploading it', async () => {
    const uploads = cloudinary.uploads.length;
    const response = await staff.post('/api/products/create/', undefined, {
      rawBody: form({ ...fields(), image: 'https://images.example-cdn.com/given.jpg' }),
    });
    expect(response.status).to.equal(201);
    expect(response.body.image).to.equal('https://images.example-cdn.com/given.jpg');
    expect(cloudinary.uploads.length).to.equal(uploads);
  });

  it('refuses a file over 5 MiB with 413', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
    const input = fields();
    const response = await staff.post('/api/products/create/', undefined, { rawBody: form(input, { bytes: big, name: 'big.png' }) });
    expect(response.status).to.equal(413);
    expect(response.body.code).to.equal('payload_too_large');
    expect(await server.services.db('products').where({ name: input.name }).first()).to.equal(undefined);
  });

  it('answers 502 and creates nothing when Cloudinary fails', async () => {
    cloudinary.failNext();
    const input = fields();
    const response = await staff.post('/api/products/create/', undefined, { rawBody: form(input, { bytes: PNG, name: 'tee.png' }) });
    expect(response.status).to.equal(502);
    expect(response.body).to.deep.equal({
      error: 'Image upload failed. Please try again.',
      code: 'bad_gateway',
      detail: 'Image upload failed. Please try again.',
    });
    expect(await server.services.db('products').where({ name: input.name }).first()).to.equal(undefined);
  });

  it('PATCH with only a file replaces the image and keeps the rest; PUT multipart replaces all fields', async () => {
    const created = (await staff.post('/api/products/create/', { ...fields(), stock: 9, image: 'https://images.example-cdn.com/old.jpg' }))
      .body;
    const patched = await staff.patch(`/api/products/${created.id}/`, undefined, { rawBody: form({}, { bytes: GIF, name: 'new.gif' }) });
    expect(patched.status).to.equal(200);
    expect(patched.body).to.include({ name: created.name, stock: 9, price: created.price });
    expect(patched.body.image).to.match(/^https:\/\/res\.cloudinary\.com\/fake-cloud\/image\/upload\/v\d+\/products\/[0-9a-f-]{36}\.png$/);

    const replacement = { ...fields(), stock: '2', category: 'men' };
    const replaced = await staff.put(`/api/products/${created.id}/`, undefined, { rawBody: form(replacement) });
    expect(replaced.status).to.equal(200);
    expect(replaced.body).to.include({ name: replacement.name, stock: 2, category: 'men', image: null, slug: created.slug });
  });
});

describe('product images without Cloudinary (local media directory)', () => {
  let server: TestServer;
  let staff: Client;

  before(async () => {
    server = await startServer();
    staff = await staffClient(server);
  });
  after(() => server.close());

  it('stores the file under DATA_DIR/media and serves it at /media/<file> with its type and a long cache', async () => {
    const response = await staff.post('/api/products/create/', undefined, { rawBody: form(fields(), { bytes: PNG, name: 'tee.png' }) });
    expect(response.status).to.equal(201);
    expect(response.body.image).to.match(/^\/media\/products-[0-9a-f-]{36}\.png$/);
    const image = await server.client().get(response.body.image);
    expect(image.status).to.equal(200);
    expect(image.headers.get('content-type')).to.equal('image/png');
    expect(image.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    expect(image.bytes.equals(PNG)).to.equal(true);
  });

  it('answers 404 for unknown or non-image names and 400 for names with path separators', async () => {
    const client = server.client();
    for (const name of ['missing.png', '..', '.', 'secret_key', '.hidden.png']) {
      expect((await client.get(`/media/${name}`)).status, name).to.equal(404);
    }
    expect((await client.get('/media/..%2Fsecret_key')).status).to.equal(400);
  });
});
