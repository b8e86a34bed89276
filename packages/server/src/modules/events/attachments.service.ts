import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { AttachmentKind, externalAttachmentUrl } from '@liandong/contracts';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { detectAttachmentMime } from './attachment-type.ts';
import { canActorSee } from './event-query.service.ts';
import { findAttachmentRow, findEventRow, insertAttachmentRow, listEventUnits } from './events.repository.ts';

/** Who an upload belongs to until it is linked to an event (only they may link or read it). */
export function uploaderIdOf(p: Principal): string | null {
  return p.kind === 'user' ? p.userId : p.apiKeyId ? `api_key:${p.apiKeyId}` : null;
}

export interface StoredUpload {
  dataId: string;
  kind: AttachmentKind;
  mime: string;
  size: number;
  sha256: string;
}

/**
 * Stores an uploaded file under `<dataDir>/uploads/YYYY/MM/<id>` after checking its bytes are
 * of the declared kind. The row waits, unlinked, for an event to name its dataId.
 */
export async function storeUpload(
  deps: Pick<AppDeps, 'db' | 'clock' | 'ids' | 'config'>,
  principal: Principal,
  upload: { kind: string | undefined; bytes: Buffer; filename?: string },
): Promise<StoredUpload> {
  const kind = AttachmentKind.safeParse(upload.kind ?? 'photo');
  if (!kind.success)
    throw new AppError('VALIDATION_FAILED', `kind must be one of ${AttachmentKind.options.join(', ')}`, [{ path: 'body.kind', message: 'invalid' }]);
  if (upload.bytes.length === 0) throw new AppError('INVALID_ATTACHMENT', 'The file is empty');
  const mime = detectAttachmentMime(kind.data, upload.bytes);
  if (!mime) {
    throw new AppError(
      'INVALID_ATTACHMENT',
      kind.data === 'photo' ? 'The file is not a JPEG, PNG, WebP or GIF image' : `The file is not a supported ${kind.data} format`,
    );
  }
  const now = deps.clock.now();
  const id = deps.ids.id();
  const relative = join('uploads', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), id);
  const absolute = resolve(deps.config.dataDir, relative);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, upload.bytes, { flag: 'wx' });
  const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
  await insertAttachmentRow(deps.db, {
    id,
    event_id: null,
    kind: kind.data,
    mime,
    size_bytes: upload.bytes.length,
    sha256,
    storage_path: relative,
    url: null,
    // Only a base name, for display: never a client path.
    original_name: upload.filename ? upload.filename.split(/[\\/]/).pop()!.slice(0, 200) : null,
    uploaded_by: uploaderIdOf(principal),
    created_at: now.toISOString(),
  });
  return { dataId: id, kind: kind.data, mime, size: upload.bytes.length, sha256 };
}

export type AttachmentContent =
  { kind: 'redirect'; url: string } | { kind: 'file'; mime: string; size: number | null; stream: Readable; filename: string | null };

/** An attachment's content for a caller who can see its event (or uploaded it, before linking). */
export async function openAttachment(deps: Pick<AppDeps, 'db' | 'config'>, principal: Principal, id: string): Promise<AttachmentContent> {
  const notFound = new AppError('ATTACHMENT_NOT_FOUND', 'Attachment not found');
  const row = await findAttachmentRow(deps.db, id);
  if (!row) throw notFound;
  if (row.event_id) {
    const event = await findEventRow(deps.db, row.event_id);
    if (!event || !canActorSee(principal, event, await listEventUnits(deps.db, [event.id]))) throw notFound;
  } else if (row.uploaded_by === null || row.uploaded_by !== uploaderIdOf(principal)) {
    throw notFound;
  }
  if (row.url !== null) {
    // Only ever to a parsed https: URL. A row stored before URLs were checked (HTTP://, javascript:,
    // http:/\host…) is served as nothing at all.
    const url = externalAttachmentUrl(row.url);
    if (url === null) throw notFound;
    return { kind: 'redirect', url };
  }
  if (!row.storage_path) throw notFound;
  const path = resolve(deps.config.dataDir, row.storage_path);
  if (!(await stat(path).catch(() => null))?.isFile()) throw notFound;
  return {
    kind: 'file',
    mime: row.mime ?? 'application/octet-stream',
    size: row.size_bytes,
    stream: createReadStream(path),
    filename: row.original_name,
  };
}
