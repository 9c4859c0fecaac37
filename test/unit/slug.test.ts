// Slugs for product names in any language: transliterated, never reduced to the "product" fallback
// when the name has letters, and the same as before for plain ASCII names.
import { expect } from 'chai';
import { slugify } from '../../src/catalogue/slug.js';

describe('slugify', () => {
  it('keeps ASCII names as before', () => {
    expect(slugify('Goku Tee')).to.equal('goku-tee');
    expect(slugify('  100% Linen -- Shirt!  ')).to.equal('100-linen-shirt');
    expect(slugify('café au lait')).to.equal('cafe-au-lait');
  });

  it('transliterates other scripts instead of dropping them', () => {
    expect(slugify('खादी कुर्ता')).to.equal('khaadii-kurtaa');
    expect(slugify('Straße')).to.equal('strasse');
    expect(slugify('Мужская футболка')).to.equal('muzhskaya-futbolka');
    expect(slugify('Κοντομάνικο')).to.equal('kontomaniko');
    expect(slugify('Ærø Hoodie')).to.equal('aero-hoodie');
    expect(slugify('名前')).to.equal('ming-qian');
  });

  it('falls back to "product" only when nothing spellable is left, and stays within 255 characters', () => {
    expect(slugify('🎉 !!!')).to.equal('product');
    const long = slugify('ख'.repeat(400));
    expect(long.length).to.be.at.most(255);
    expect(long).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
