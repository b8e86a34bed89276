import { z } from 'zod';
import type { InboxNotification } from './notify.ts';

/*
 * The live stream (GET /stream, Server-Sent Events): its query and the messages it sends, one
 * definition for the server and the web app.
 */

/** GET /stream?orgUnitId=&access_token= (EventSource cannot send headers: the session token may come as access_token). */
export const StreamQuery = z.object({ orgUnitId: z.string().min(1).max(64).optional(), access_token: z.string().min(1).max(256).optional() });
export type StreamQuery = z.infer<typeof StreamQuery>;

/** `ready`: the stream is open (the client refetches what it may have missed). */
export const StreamReady = z.object({ userId: z.string(), orgUnitId: z.string().nullable() });
export type StreamReady = z.infer<typeof StreamReady>;

/** `event.created`: a new event within the client's scope. */
export const StreamEventCreated = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  categoryCode: z.string(),
  urgency: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
export type StreamEventCreated = z.infer<typeof StreamEventCreated>;

/** `end`: the server closes the stream (the session ended). */
export const StreamEnd = z.object({ reason: z.enum(['session_ended']) });
export type StreamEnd = z.infer<typeof StreamEnd>;

/** Each message type of the stream and what its data holds (`notification`: one of the inbox's rows). */
export interface StreamMessages {
  ready: StreamReady;
  notification: InboxNotification;
  'event.created': StreamEventCreated;
  end: StreamEnd;
}
