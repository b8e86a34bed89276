import { z } from 'zod';
import { ATTACHMENT_URL_MAX_LENGTH, externalAttachmentUrl } from './attachment-url.ts';
import { AttachmentKind, ClosingKind, EventSource, EventStatus, Urgency } from './enums.ts';
import { OrgChainEntry } from './org.ts';

/**
 * An event's attachment: a file uploaded to the platform (`POST /attachments` answers its
 * `dataId`) or an external `https:` URL (see attachment-url.ts for what is accepted). A refused URL
 * is a 422 `ATTACHMENT_URL_INVALID`; the server stores and presents the URL in its parsed form.
 */
export const AttachmentRef = z
  .union([
    z.object({ dataId: z.string().min(1), kind: AttachmentKind }),
    z.object({
      url: z.string().describe(`An https: URL with a host and no credentials, at most ${ATTACHMENT_URL_MAX_LENGTH} characters`),
      kind: AttachmentKind,
    }),
  ])
  .superRefine((a, ctx) => {
    if ('url' in a && externalAttachmentUrl(a.url) === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `must be an https: URL with a host and no credentials, at most ${ATTACHMENT_URL_MAX_LENGTH} characters (or upload the file and send its dataId)`,
        params: { errorCode: 'ATTACHMENT_URL_INVALID' },
      });
    }
  });

export const CreateEventRequest = z.object({
  category: z.string().min(1).max(32).describe('A leaf category (小类) code; a major category (大类) with subcategories in use is 422 CATEGORY_NOT_LEAF'),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).optional(),
  location: z.object({
    lng: z.number().min(-180).max(180),
    lat: z.number().min(-90).max(90),
    address: z.string().max(300).optional(),
  }),
  source: EventSource,
  urgency: Urgency.optional(),
  occurredAt: z
    .string()
    .datetime({ offset: true })
    .optional()
    .describe(
      'When it happened (default: now). Not before the county went live (setting LIANDONG_GO_LIVE, default 2020-01-01) and ' +
        'not more than LIANDONG_OCCURRED_AT_MAX_FUTURE_MINUTES (default 5) minutes ahead of the server clock: else 422 OCCURRED_AT_OUT_OF_RANGE.',
    ),
  reporter: z.object({ name: z.string().max(64).optional(), phone: z.string().max(20).optional() }).optional(),
  attachments: z.array(AttachmentRef).max(20).optional(),
  externalId: z.string().min(1).max(128).optional(),
  /** 自行处置: a grid worker fixed it on the spot; the event is reported and closed at once. */
  selfHandled: z.boolean().optional(),
  /** Licence plate of the vehicle concerned (parking); normalised and validated by the server. */
  plate: z.string().trim().min(1).max(16).optional(),
});
export type CreateEventRequest = z.infer<typeof CreateEventRequest>;

export const EventUnitRole = z.enum(['lead', 'co']);

export const EventView = z.object({
  id: z.string(),
  code: z.string(),
  status: EventStatus,
  closingKind: ClosingKind.nullable(),
  category: z.string(),
  categoryName: z.string().optional(),
  title: z.string(),
  description: z.string().nullable(),
  source: EventSource,
  urgency: Urgency,
  location: z.object({ lng: z.number(), lat: z.number(), address: z.string().nullable() }),
  orgChain: z.array(OrgChainEntry),
  leadUnitId: z.string().nullable(),
  coHandlingUnitIds: z.array(z.string()),
  /** Reporter name/phone, masked unless the caller's scope covers the event. */
  reporter: z.object({ name: z.string().nullable(), phone: z.string().nullable() }).nullable(),
  trackingToken: z.string().optional(),
  externalId: z.string().nullable(),
  occurredAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  supervised: z.boolean(),
  urgeCount: z.number(),
  /** Reports merged into this event by dedup. */
  duplicateCount: z.number(),
  ratingScore: z.number().nullable(),
  /** The vehicle's plate for parking events. */
  plate: z.string().nullable().optional(),
  /**
   * The red light: open and past `dueAt` by the server's clock (server engine/runtime/overdue.ts,
   * the same rule as `?overdue=`). A closed event is not overdue; closingKind tells how it ended.
   */
  overdue: z.boolean().optional(),
  /** Bumped by every change (optimistic concurrency). */
  version: z.number(),
  attachments: z.array(z.object({ id: z.string(), kind: AttachmentKind, url: z.string(), mime: z.string().nullable() })),
});
export type EventView = z.infer<typeof EventView>;

/** POST /events answer: 201 new event; 200 the same event again (`externalId` repeat) or a dedup merge (`merged`). */
export const CreateEventResponse = EventView.extend({ merged: z.boolean() });

export const AttachmentUpload = z.object({ dataId: z.string(), kind: AttachmentKind, mime: z.string(), size: z.number(), sha256: z.string() });

export const TimelineEntry = z.object({
  id: z.string(),
  seq: z.number(),
  at: z.string(),
  kind: z.string(),
  actor: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  orgUnit: z.object({ id: z.string(), name: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ListEventsQuery = z.object({
  status: z.string().optional(),
  category: z.string().optional(),
  orgUnitId: z.string().optional(),
  source: EventSource.optional(),
  q: z.string().max(100).optional(),
  overdue: z.enum(['true', 'false', '1', '0']).optional(),
  supervised: z.enum(['true', 'false', '1', '0']).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

const pageOf = (item: z.ZodTypeAny) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const pages = new WeakMap<z.ZodTypeAny, ReturnType<typeof pageOf>>();

/**
 * A page of items with the cursor of the next page (null on the last). One schema per item
 * schema, so that the OpenAPI document can name it once (api-components.ts).
 */
export const Page = <T extends z.ZodTypeAny>(item: T) => {
  let page = pages.get(item);
  if (!page) pages.set(item, (page = pageOf(item)));
  return page as unknown as z.ZodObject<{ items: z.ZodArray<T>; nextCursor: z.ZodNullable<z.ZodString> }>;
};

export const CommentRequest = z.object({ text: z.string().trim().min(1).max(2000) });
export const NoteRequest = z.object({ note: z.string().trim().max(2000).optional() });
export const RatingRequest = z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(1000).optional() });
