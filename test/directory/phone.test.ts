import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizePhone, phoneVariants } from '../../src/directory/phone.js';

describe('phone numbers', () => {
  it('drops the spaces, dashes, dots and brackets people write', () => {
    const cases: [string, string][] = [
      ['+86 138 0013 8000', '+8613800138000'],
      ['138-0013-8000', '13800138000'],
      ['(010) 6234 5678', '01062345678'],
      ['+86 (10) 6234-5678', '+861062345678'],
      ['010.6234.5678', '01062345678'],
      ['  12345  ', '12345'],
      ['+86\u00a0755\u00a08888\u00a00000', '+8675588880000'],
    ];
    for (const [written, stored] of cases) assert.equal(normalizePhone(written), stored, written);
  });

  it('keeps a leading + and accepts short numbers and keypad codes', () => {
    assert.equal(normalizePhone('+8675500000000'), '+8675500000000');
    assert.equal(normalizePhone('12345'), '12345');
    assert.equal(normalizePhone('110'), '110');
    assert.equal(normalizePhone('*72#'), '*72#');
  });

  it('reads digits and brackets typed with a Chinese input method (full width)', () => {
    assert.equal(normalizePhone('（０１０）６２３４\u3000５６７８'), '01062345678');
    assert.equal(normalizePhone('＋８６ １３８－００１３－８０００'), '+8613800138000');
  });

  it('refuses letters, a lone +, a + that is not leading, and empty input', () => {
    for (const written of ['call me', '1380013800O', '400-FLOWERS', '+', ' + ', '86+10', '++86', '', '  ', '--', '+86 ext. 5']) {
      assert.equal(normalizePhone(written), undefined, JSON.stringify(written));
    }
  });

  it('refuses keypad symbols after a +: an international number is digits only', () => {
    for (const written of ['+*', '+#', '+86*10', '+8610#']) assert.equal(normalizePhone(written), undefined, written);
  });

  it('refuses numbers longer than E.164 allows (15 digits) or than any dial string we keep (32)', () => {
    assert.equal(normalizePhone(`+${'8'.repeat(15)}`), `+${'8'.repeat(15)}`);
    assert.equal(normalizePhone(`+${'8'.repeat(16)}`), undefined, 'ITU-T E.164 §6: at most 15 digits');
    assert.equal(normalizePhone('1'.repeat(32)), '1'.repeat(32));
    assert.equal(normalizePhone('1'.repeat(33)), undefined);
  });
});

describe('[I1] phone variants for finding a caller', () => {
  it('relates national, trunk-prefixed and international forms of a Chinese number', () => {
    assert.deepEqual(phoneVariants('13800138000').sort(), ['+8613800138000', '13800138000'].sort());
    assert.deepEqual(phoneVariants('+8613800138000').sort(), ['+8613800138000', '13800138000'].sort());
    assert.deepEqual(phoneVariants('008613800138000').sort(), ['+8613800138000', '008613800138000', '13800138000'].sort());
    assert.deepEqual(phoneVariants('01062345678').sort(), ['+861062345678', '01062345678', '1062345678'].sort());
    assert.deepEqual(phoneVariants('12345'), ['12345']);
  });
});
