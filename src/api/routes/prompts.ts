import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.js';
import { decodeWav, telephonyRate, wavHeader, type Language } from '../../media/index.js';
import { roles as allRoles } from '../../directory/index.js';
import type { MediaFiles, Store } from '../../store/index.js';
import { audit } from '../audit.js';
import { actor } from '../auth.js';
import { registerResource } from '../resource.js';
import { idParams, searchText } from '../schemas.js';

const name = z.string().regex(/^[\w.-]{1,100}$/, '1 to 100 letters, digits, . _ or -');
const description = z.string().max(2000);
const wavTypes = ['audio/wav', 'audio/wave', 'audio/x-wav'];
const maxUploadBytes = 50 * 1024 * 1024;

/** 8 kHz mono 16-bit PCM WAV: what every prompt is kept as, whatever was uploaded. */
function telephonyWav(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return Buffer.concat([wavHeader(1, telephonyRate, data.byteLength), data]);
}

/**
 * A tenant's prompts (FEATURES K5): WAV files uploaded as `audio/wav`, converted once to 8 kHz
 * mono, kept under the media directory and played by name in flows.
 */
export interface PromptRouteOptions {
  store: Store;
  media: MediaFiles;
  /** Text to speech, for POST /prompts/speech (the prompts page's TTS preview). */
  speech?: { speak(text: string, language: Language): Promise<Int16Array> };
}

export const promptRoutes: FastifyPluginAsync<PromptRouteOptions> = async (parent, { store, media, speech }) => {
  registerResource(parent, store, {
    entity: 'prompt',
    path: '/prompts',
    description: 'recorded prompts the flows play',
    roles: { read: allRoles, write: ['tenant_admin'] },
    filter: z.object({ q: searchText }),
    body: z.object({}),
    patch: z.object({ name, description }).partial(),
    list: (repos, tenant, filter, page) => repos.prompts.list(tenant.id, filter, page),
    get: (repos, tenant, id) => repos.prompts.get(tenant.id, id),
    update: (repos, tenant, id, version, patch) => repos.prompts.update(tenant.id, id, version, patch),
    remove: (repos, tenant, id) => repos.prompts.remove(tenant.id, id),
    removed: (row) => media.remove(row.file),
  });

  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.addContentTypeParser(wavTypes, { parseAs: 'buffer', bodyLimit: maxUploadBytes }, (_request, body, done) => done(null, body));

  app.post(
    '/prompts',
    {
      config: { roles: ['tenant_admin'] },
      bodyLimit: maxUploadBytes,
      schema: {
        tags: ['prompts'],
        summary: 'Upload a prompt: the request body is a WAV file (Content-Type: audio/wav)',
        querystring: z.object({ name, description: description.default('') }),
      },
    },
    async (request, reply) => {
      const { tenant } = actor(request);
      const { name: promptName, description: text } = request.query;
      const samples = decodeWav(request.body as Buffer, `prompt ${promptName}`);
      const stored = await media.write(tenant.id, 'prompts', 'wav', telephonyWav(samples));
      try {
        const created = await store.transaction(async (repos) => {
          const row = await repos.prompts.create(tenant.id, {
            name: promptName,
            description: text,
            durationMs: Math.round((samples.length / telephonyRate) * 1000),
            ...stored,
          });
          await audit(repos, request, { action: 'create', entity: 'prompt', id: row.id, after: row });
          return row;
        });
        return reply.code(201).send(created);
      } catch (error) {
        await media.remove(stored.file);
        throw error;
      }
    },
  );

  if (speech !== undefined) {
    app.post(
      '/prompts/speech',
      {
        config: { roles: ['tenant_admin'] },
        schema: {
          tags: ['prompts'],
          summary: 'Text to speech as an 8 kHz mono WAV file, as a say node would speak it: to hear before saving it as a prompt',
          body: z.object({ text: z.string().trim().min(1).max(500), language: z.enum(['zh-CN', 'en']) }).strict(),
        },
      },
      async (request, reply) => reply.type('audio/wav').send(telephonyWav(await speech.speak(request.body.text, request.body.language))),
    );
  }

  app.get(
    '/prompts/:id/audio',
    { config: { roles: allRoles }, schema: { tags: ['prompts'], summary: 'The prompt as an 8 kHz mono WAV file', params: idParams } },
    async (request, reply) => {
      const row = await store.repos.prompts.get(actor(request).tenant.id, request.params.id);
      if (row === undefined) throw new NotFoundError('prompt not found');
      return reply.type('audio/wav').header('content-length', row.sizeBytes).send(media.read(row.file));
    },
  );
};
