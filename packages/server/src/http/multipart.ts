import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

export interface MultipartFile {
  fieldname: string;
  filename?: string;
  bytes: Buffer;
}

export interface MultipartBody {
  files: MultipartFile[];
  fields: Record<string, string>;
}

/**
 * Reads a whole multipart/form-data body. A body the parser cannot read (no boundary in the
 * content type, a truncated or garbled body) is the client's fault: 400 MALFORMED_MULTIPART, never
 * the parser's bare Error (which the error handler would answer with 500). Limits keep their 413.
 */
export async function readMultipart(req: FastifyRequest): Promise<MultipartBody> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data');
  const files: MultipartFile[] = [];
  const fields: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        // toBuffer() enforces the upload limit (413) while reading; every part is drained.
        const bytes = await part.toBuffer();
        files.push({ fieldname: part.fieldname, filename: part.filename, bytes });
      } else if (!(part.fieldname in fields)) {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    throw asClientError(err);
  }
  return { files, fields };
}

function asClientError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown }).statusCode;
  // The plugin's own limit errors (FST_REQ_FILE_TOO_LARGE, FST_FILES_LIMIT, …) carry 413.
  if (status === 413) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError('MALFORMED_MULTIPART', `The multipart body cannot be read: ${reason}`);
}
