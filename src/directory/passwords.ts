/**
 * Login passwords, kept as scrypt hashes: `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 * The parameters travel with the hash so they can be raised later without breaking old ones.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const r = 8;
const p = 1;
const keyLength = 32;
/**
 * The most memory one derivation may take (scrypt needs about 128·N·r bytes): room to raise N
 * fourfold, while a damaged or hostile stored hash cannot make a login allocate gigabytes.
 */
const maxMemory = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions, length = keyLength): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, { ...options, maxmem: 2 * maxMemory }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The scrypt parameters of a stored hash, or undefined when they are not ones we could have written. */
function storedParameters(n: string | undefined, rr: string | undefined, pp: string | undefined): ScryptOptions | undefined {
  const [cost, blockSize, parallelism] = [Number(n), Number(rr), Number(pp)];
  // RFC 7914 §2: N is a power of two greater than 1; r and p are positive integers.
  const powerOfTwo = Number.isInteger(cost) && cost > 1 && Number.isInteger(Math.log2(cost));
  const positive = Number.isInteger(blockSize) && blockSize >= 1 && Number.isInteger(parallelism) && parallelism >= 1;
  const affordable = 128 * cost * blockSize <= maxMemory && parallelism <= 16;
  return powerOfTwo && positive && affordable ? { N: cost, r: blockSize, p: parallelism } : undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` is the one `stored` was made from; false, never an exception, for any other or a damaged hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash, ...rest] = stored.split('$');
  const options = storedParameters(n, rr, pp);
  if (scheme !== 'scrypt' || options === undefined || salt === undefined || hash === undefined || rest.length > 0) return false;
  const expected = Buffer.from(hash, 'base64url');
  // The digest's length travels with it too; anything shorter than 128 bits is not one of ours.
  if (expected.length < 16 || expected.length > 64) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), options, expected.length);
  return timingSafeEqual(key, expected);
}

/**
 * A hash of nothing anyone knows, checked against when the username does not exist, so that a
 * wrong username takes as long to refuse as a wrong password.
 */
export const decoyPasswordHash = await hashPassword(randomBytes(16).toString('hex'));

/** A password for people to read and type: 16 characters without look-alikes (0/O, 1/l/I). */
export function randomPassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}
