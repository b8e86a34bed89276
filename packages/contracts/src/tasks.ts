import { z } from 'zod';
import { Role } from './enums.ts';
import { LocalizedText } from './process.ts';

export const TASK_STATUSES = ['open', 'claimed', 'shelved', 'completed', 'returned', 'cancelled'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export const SlaState = z.enum(['on_time', 'warning', 'overdue', 'paused']);

/** GET /tasks: `assignee=me` (default) — the caller's own and their units' tasks for their roles; `unit` — everything of the caller's units; `all` — administrators. */
export const ListTasksQuery = z.object({
  assignee: z.enum(['me', 'unit', 'all']).default('me'),
  status: z.enum(['open', 'done', 'all']).default('open'),
  due: z.enum(['soon', 'overdue']).optional(),
  eventId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const PendingRequest = z.object({
  kind: z.enum(['extend', 'shelve']),
  extraMinutes: z.number().nullable(),
  note: z.string().nullable(),
  byUserId: z.string().nullable(),
  byName: z.string(),
  at: z.string(),
});

export const TaskView = z.object({
  id: z.string(),
  eventId: z.string(),
  eventCode: z.string(),
  eventTitle: z.string(),
  eventStatus: z.string(),
  categoryCode: z.string(),
  urgency: z.string(),
  supervised: z.boolean(),
  processKey: z.string(),
  processVersion: z.number(),
  nodeId: z.string(),
  title: LocalizedText,
  unitId: z.string(),
  unitName: z.string(),
  role: Role,
  assigneeUserId: z.string().nullable(),
  status: TaskStatus,
  outcome: z.string().nullable(),
  note: z.string().nullable(),
  /** The ways to complete it. */
  outcomes: z.array(z.object({ key: z.string(), title: LocalizedText.nullable() })),
  /** What else the step allows. */
  allowed: z.object({ return: z.boolean(), transfer: z.boolean(), extend: z.boolean(), shelve: z.boolean() }),
  timeKind: z.enum(['working', 'natural']).nullable(),
  limitMinutes: z.number().nullable(),
  extraMinutes: z.number(),
  startedAt: z.string(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  slaState: SlaState,
  overdue: z.boolean(),
  urgeCount: z.number(),
  pendingRequest: PendingRequest.nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
});
export type TaskView = z.infer<typeof TaskView>;

/** Body of POST /tasks/:id/{claim|complete|return|transfer|extend|shelve|resume|approve}. */
export const TaskActionRequest = z
  .object({
    outcome: z.string().min(1).max(32).optional(),
    note: z.string().max(2000).optional(),
    attachments: z
      .array(z.object({ dataId: z.string().min(1).max(64) }))
      .max(20)
      .optional(),
    toUnitId: z.string().min(1).max(64).optional(),
    extraMinutes: z
      .number()
      .int()
      .positive()
      .max(60 * 24 * 365)
      .optional(),
    /** approve: whether the pending extension or shelving is granted. */
    approved: z.boolean().optional(),
  })
  .strict();
export type TaskActionRequest = z.infer<typeof TaskActionRequest>;

export const TASK_ACTIONS = ['claim', 'complete', 'return', 'transfer', 'extend', 'shelve', 'resume', 'approve'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

export const SignalRequest = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'a signal is dotted lower-case words, e.g. vehicle.gone'),
  data: z.record(z.string(), z.unknown()).optional(),
});
export const SignalResponse = z.object({ eventId: z.string(), name: z.string(), delivered: z.number() });

export const InstanceView = z.object({
  id: z.string(),
  eventId: z.string(),
  processKey: z.string(),
  version: z.number(),
  status: z.enum(['running', 'suspended', 'failed', 'completed', 'cancelled']),
  vars: z.record(z.string(), z.unknown()),
  error: z.object({ nodeId: z.string(), message: z.string().nullable() }).nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  tokens: z.array(z.object({ id: z.string(), nodeId: z.string(), state: z.string(), signal: z.string().nullable() })),
  timers: z.array(z.object({ id: z.string(), kind: z.string(), dueAt: z.string(), taskId: z.string().nullable() })),
});
export type InstanceView = z.infer<typeof InstanceView>;

export const INSTANCE_ACTIONS = ['retry', 'skip', 'suspend', 'resume', 'migrate'] as const;
export const InstanceActionRequest = z.object({ version: z.number().int().positive().optional(), note: z.string().max(500).optional() }).strict();
