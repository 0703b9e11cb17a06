/** Request schemas shared by the routes. */
import { z } from 'zod';
import { normalizePhone, roles } from '../directory/index.js';

export const idParams = z.object({ id: z.uuid('must be a UUID') });

export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** `?vip=true`: query strings carry text, so a boolean is spelled out. */
export const booleanQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

export const searchText = z.string().trim().min(1).max(200).optional();

/** A phone number as a person writes it; stored without spaces and punctuation. */
export const phone = z
  .string()
  .max(64)
  .transform((written, ctx) => {
    const normalized = normalizePhone(written);
    if (normalized === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not a phone number: digits, optionally a leading +' });
      return z.NEVER;
    }
    return normalized;
  });

export const email = z.email('not an e-mail address').max(254);

export const role = z.enum(roles);

/** The version the client last read; an update based on an older one answers 409. */
export const version = z.number().int().min(1);

/** A SIP user part or E.164 number as a phone number or extension of the directory. */
export const extension = z.string().regex(/^[0-9]{2,8}$/, '2 to 8 digits');

export const password = z.string().min(8, 'at least 8 characters').max(200);

export const skills = z.record(
  z.string().regex(/^[\w-]{1,40}$/, 'a skill name is 1 to 40 letters, digits, - or _'),
  z.number().int().min(1, 'levels run from 1 to 10').max(10, 'levels run from 1 to 10'),
);
