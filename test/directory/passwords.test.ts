import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashPassword, randomPassword, verifyPassword } from '../../src/directory/passwords.js';

/** Replaces one `$`-separated field of a stored hash. */
function withField(stored: string, index: number, value: string): string {
  const fields = stored.split('$');
  fields[index] = value;
  return fields.join('$');
}

describe('login passwords', () => {
  it('verifies the password a hash was made from, and no other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
    assert.equal(await verifyPassword('Correct horse battery staple', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('keeps no trace of the password and salts every hash', async () => {
    const first = await hashPassword('密码-secret-1');
    const second = await hashPassword('密码-secret-1');
    assert.notEqual(first, second, 'the same password gives different hashes');
    assert.doesNotMatch(first, /secret|密码/);
    assert.match(first, /^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/, 'scheme, parameters, salt and hash travel together');
    assert.equal(await verifyPassword('密码-secret-1', second), true);
  });

  it('verifies a password however its characters were composed (NFKC)', async () => {
    const stored = await hashPassword('Café-2024');
    assert.equal(await verifyPassword('Cafe\u0301-2024', stored), true, 'e + combining acute is é');
    assert.equal(await verifyPassword('Ｃａｆé－２０２４', stored), true, 'full-width forms from a Chinese input method');
  });

  it('refuses, without throwing, a hash whose salt or digest was tampered with', async () => {
    const stored = await hashPassword('tamper-proof');
    const salt = stored.split('$')[4] as string;
    const digest = stored.split('$')[5] as string;
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    assert.equal(await verifyPassword('tamper-proof', withField(stored, 4, flip(salt))), false);
    assert.equal(await verifyPassword('tamper-proof', withField(stored, 5, flip(digest))), false);
    assert.equal(await verifyPassword('tamper-proof', withField(stored, 5, digest.slice(0, 20))), false);
    assert.equal(await verifyPassword('tamper-proof', withField(stored, 5, '')), false);
  });

  it('refuses, without throwing, a hash with damaged parameters or of another scheme', async () => {
    const stored = await hashPassword('tamper-proof');
    const damaged = [
      withField(stored, 0, 'bcrypt'),
      withField(stored, 1, '1000'),
      withField(stored, 1, 'lots'),
      withField(stored, 1, String(2 ** 40)),
      withField(stored, 2, '0'),
      withField(stored, 3, '-1'),
      stored.split('$').slice(0, 5).join('$'),
      'plain-text-password',
      '',
    ];
    for (const hash of damaged) assert.equal(await verifyPassword('tamper-proof', hash), false, hash);
    assert.equal(await verifyPassword('tamper-proof', stored), true, 'the untouched hash still verifies');
  });

  it('still verifies a hash made with stronger parameters than today’s', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('raised-cost', salt, 32, { N: 65536, r: 8, p: 1, maxmem: 128 * 1024 * 1024 });
    const stored = ['scrypt', 65536, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    assert.equal(await verifyPassword('raised-cost', stored), true);
    assert.equal(await verifyPassword('raised-cost!', stored), false);
  });

  it('makes random passwords people can read: 16 characters without look-alikes', () => {
    const passwords = Array.from({ length: 50 }, () => randomPassword());
    for (const p of passwords) assert.match(p, /^[a-km-zA-HJ-NP-Z2-9]{16}$/);
    assert.equal(new Set(passwords).size, 50);
  });
});
