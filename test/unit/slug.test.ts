// Slugs for product names in any language: transliterated, never reduced to the "product" fallback
// when the name has letters, and the same as before for plain ASCII names.
import { expect } from 'chai';
import { slugify } from '../../src/catalogue/slug.js';

describe('slugify', () => {
  it('keeps ASCII names as before', async () => {
    expect(await slugify('Goku Tee')).to.equal('goku-tee');
    expect(await slugify('  100% Linen -- Shirt!  ')).to.equal('100-linen-shirt');
    expect(await slugify('café au lait')).to.equal('cafe-au-lait');
  });

  it('transliterates other scripts instead of dropping them', async () => {
    expect(await slugify('खादी कुर्ता')).to.equal('khaadii-kurtaa');
    expect(await slugify('Straße')).to.equal('strasse');
    expect(await slugify('Мужская футболка')).to.equal('muzhskaya-futbolka');
    expect(await slugify('Κοντομάνικο')).to.equal('kontomaniko');
    expect(await slugify('Ærø Hoodie')).to.equal('aero-hoodie');
    expect(await slugify('名前')).to.equal('ming-qian');
  });

  it('falls back to "product" only when nothing spellable is left, and stays within 255 characters', async () => {
    expect(await slugify('🎉 !!!')).to.equal('product');
    const long = await slugify('ख'.repeat(400));
    expect(long.length).to.be.at.most(255);
    expect(long).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
