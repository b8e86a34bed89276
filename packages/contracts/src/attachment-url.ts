/**
 * External attachment URLs (a camera's snapshot, a file on another system). Zod-free, so the web
 * bundle can use it at run time as well as the event schema.
 *
 * An event's attachment is either a file uploaded to the platform (`POST /attachments`, then
 * `{dataId}`) or an `https:` URL. The URL is parsed, never matched by a pattern: `HTTP://…`,
 * `http:/\host`, `//host`, `javascript:`, `file:`, `data:` and plain `http:` are all refused,
 * and so are URLs without a host, with credentials in them or longer than the limit.
 */

export const ATTACHMENT_URL_MAX_LENGTH = 2000;

/** The URL in its normalised form (`new URL(raw).href`) when it is an acceptable attachment URL, else null. */
export function externalAttachmentUrl(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > ATTACHMENT_URL_MAX_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href.length <= ATTACHMENT_URL_MAX_LENGTH ? url.href : null;
}
