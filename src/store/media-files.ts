/**
 * Audio files (prompts, recordings, voicemail) under `<dataDir>/media/`, one folder per tenant.
 * A file is written beside its final name and renamed into place after fsync, so that a crash
 * leaves either the whole file or none; the database row that names it is written after.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { ValidationError } from '../errors.js';

export interface StoredFile {
  /** Path relative to the media directory, as rows keep it. */
  file: string;
  sizeBytes: number;
  sha256: string;
}

export class MediaFiles {
  constructor(readonly root: string) {}

  /** Writes `bytes` as a new file of the tenant's `kind` folder (`prompts`, `voicemail` …). */
  async write(tenantId: string, kind: string, extension: string, bytes: Uint8Array): Promise<StoredFile> {
    const file = join(tenantId, kind, `${randomUUID()}.${extension}`);
    const path = this.path(file);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.partial`;
    const handle = await open(partial, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(partial, path);
    return { file, sizeBytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  /**
   * A name for a file a writer will fill in place (a recording growing on disk): the folder
   * exists, the file does not yet.
   */
  allocateSync(tenantId: string, kind: string, extension: string): { file: string; path: string } {
    const file = join(tenantId, kind, `${randomUUID()}.${extension}`);
    const path = this.path(file);
    mkdirSync(dirname(path), { recursive: true });
    return { file, path };
  }

  /** The stored name of an absolute path under the media directory. */
  fileOf(path: string): string {
    const file = relative(this.root, path);
    this.path(file);
    return file;
  }

  read(file: string): ReadStream {
    return createReadStream(this.path(file));
  }

  async remove(file: string): Promise<void> {
    await rm(this.path(file), { force: true });
  }

  /** The absolute path of a stored file; a name that would leave the media directory is refused. */
  path(file: string): string {
    const relative = normalize(file);
    if (relative.startsWith('..') || relative.startsWith(sep)) throw new ValidationError(`media file name outside the media directory: ${file}`);
    return join(this.root, relative);
  }
}
