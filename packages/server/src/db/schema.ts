import type { Generated } from 'kysely';

/*
 * Storage conventions, the same on SQLite and PostgreSQL:
 * - ids are app-generated UUIDv7 text;
 * - times are ISO 8601 UTC text ('2026-11-28T02:00:00.000Z'), which sorts as time;
 * - booleans are integers 0/1; JSON is text, parsed in repositories.
 */

export interface OrgUnitsTable {
  id: string;
  parent_id: string | null;
  kind: string;
  code: string | null;
  name: string;
  name_en: string | null;
  /** Materialised path of ids, '/county/township/…/self/', for subtree queries by prefix. */
  path: string;
  depth: number;
  /** For a station: the territorial unit (township) it serves. */
  area_unit_id: string | null;
  /** GeoJSON geometry (Polygon or MultiPolygon) as text; territorial units only. */
  boundary: string | null;
  centroid_lng: number | null;
  centroid_lat: number | null;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  password_hash: string;
  is_active: number;
  created_at: string;
  updated_at: string;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  org_unit_id: string;
  role: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string;
  org_unit_id: string | null;
  created_by: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_user_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: string | null;
}

export interface CategoriesTable {
  code: string;
  parent_code: string | null;
  family: string;
  name_zh: string;
  name_en: string;
  default_urgency: string;
  time_limit_minutes: number | null;
  time_limit_kind: string;
  requires_confirmation: number;
  dedup_window_minutes: number;
  dedup_radius_m: number;
  lead_rule: string | null;
  co_handling_rules: string;
  process_key: string | null;
  is_active: number;
  sort_order: number;
  updated_at: string;
}

export interface EventsTable {
  id: string;
  code: string;
  category_code: string;
  title: string;
  description: string | null;
  status: string;
  /** 1 while the event still needs work (status not closed/rejected/void); indexed for the plaza. */
  is_open: number;
  closing_kind: string | null;
  urgency: string;
  source: string;
  external_id: string | null;
  lng: number;
  lat: number;
  address: string | null;
  county_id: string | null;
  township_id: string | null;
  village_id: string | null;
  grid_id: string | null;
  lead_unit_id: string | null;
  reporter_user_id: string | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  tracking_token: string;
  occurred_at: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  due_at: string | null;
  supervised: number;
  urge_count: number;
  duplicate_count: number;
  rating_score: number | null;
  version: number;
  /** Licence plate (parking events), normalised. */
  plate: string | null;
  /** 1 once any task of the event ran over its limit (closing then counts as overdue). */
  overdue: number;
}

export interface EventUnitsTable {
  event_id: string;
  org_unit_id: string;
  /** 'lead' | 'co' */
  role: string;
  created_at: string;
}

export interface EventIntakeKeysTable {
  source: string;
  external_id: string;
  event_id: string;
  created_at: string;
}

export interface EventTimelineTable {
  id: string;
  event_id: string;
  seq: number;
  at: string;
  kind: string;
  actor_user_id: string | null;
  actor_name: string | null;
  org_unit_id: string | null;
  data: string;
}

export interface AttachmentsTable {
  id: string;
  event_id: string | null;
  kind: string;
  mime: string | null;
  size_bytes: number | null;
  sha256: string | null;
  /** Relative to the data dir, for uploaded files; null for external URLs. */
  storage_path: string | null;
  url: string | null;
  original_name: string | null;
  uploaded_by: string | null;
  created_at: string;
}

export interface EventCodeCountersTable {
  day: string;
  last_seq: number;
}

export interface NotificationsTable {
  id: string;
  /** 'sms' | 'in_app' */
  channel: string;
  /** Template kind, e.g. 'event.assigned'. */
  kind: string;
  recipient_user_id: string | null;
  /** Normalised 11-digit mainland mobile number (SMS only). Personal data: never logged. */
  recipient_phone: string | null;
  event_id: string | null;
  link: string | null;
  title: string | null;
  body: string;
  locale: string;
  urgent: number;
  idempotency_key: string;
  /** sms: queued | sending | sent | delivered | failed | dead; in_app: delivered */
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  /** SMS: when the outbox first scheduled it (quiet hours and rate limit applied). */
  scheduled_at: string | null;
  claimed_until: string | null;
  claimed_by: string | null;
  last_error: string | null;
  provider: string | null;
  provider_message_id: string | null;
  parts: number | null;
  read_at: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  delivered_at: string | null;
}

export interface LinkageQueueTable {
  event_id: string;
  created_at: string;
  /** A process other than the category's (e.g. 'self-handled'); null: the category's. */
  process_key?: string | null;
  /** The process variables the report was submitted with (JSON object text); null: none. */
  vars?: string | null;
}

export interface NotificationAttemptsTable {
  id: string;
  notification_id: string;
  attempt: number;
  provider: string;
  started_at: string;
  finished_at: string | null;
  /** null while in flight; 'ok' | 'transient' | 'permanent' | 'ambiguous' */
  outcome: string | null;
  provider_message_id: string | null;
  error: string | null;
}

export interface SmsTemplatesTable {
  kind: string;
  locale: string;
  body: string;
  updated_at: string;
  updated_by: string | null;
}

export interface DutyRostersTable {
  id: string;
  org_unit_id: string;
  user_id: string;
  starts_at: string;
  ends_at: string;
  note: string | null;
  created_by: string | null;
  created_at: string;
}

export interface CalendarsTable {
  id: string;
  name: string;
  /** Minutes east of UTC (Asia/Shanghai: 480). */
  tz_offset_minutes: number;
  /** JSON [{start: 'HH:MM', end: 'HH:MM'}]. */
  working_periods: string;
  /** JSON ISO weekdays, 1 = Monday. */
  weekly_working_days: string;
  is_default: number;
  created_at: string;
  updated_at: string;
}

export interface CalendarDaysTable {
  calendar_id: string;
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  kind: 'holiday' | 'workday';
  note: string | null;
}

export interface ProcessesTable {
  key: string;
  active_version: number;
  updated_at: string;
  updated_by: string | null;
}

export interface ProcessVersionsTable {
  key: string;
  version: number;
  name_zh: string;
  name_en: string;
  /** JSON of the normalised ProcessDefinition. */
  definition: string;
  note: string | null;
  created_at: string;
  created_by: string | null;
}

export type InstanceStatus = 'running' | 'suspended' | 'failed' | 'completed' | 'cancelled';

export interface ProcessInstancesTable {
  id: string;
  event_id: string;
  /**
   * Which of the event's processes this is: 1 for the one it starts with, the next for each
   * restart (a reopened event). Unique per event, and at most one instance of an event is live
   * (migration 0006): an event never runs two main processes.
   */
  run: number;
  process_key: string;
  version: number;
  status: InstanceStatus;
  /** JSON object of process variables. */
  vars: string;
  /** Why the instance stopped as failed: JSON {nodeId, message}. */
  error: string | null;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
}

/** active: moving or at a task/action; waiting: at a wait node; arrived: at a join, waiting for its siblings. */
export type TokenState = 'active' | 'waiting' | 'arrived';

export interface ProcessTokensTable {
  id: string;
  instance_id: string;
  node_id: string;
  state: TokenState;
  fork_id: string | null;
  signal: string | null;
  created_at: string;
}

export type TaskStatus = 'open' | 'claimed' | 'shelved' | 'completed' | 'returned' | 'cancelled';

export interface TasksTable {
  id: string;
  instance_id: string;
  token_id: string;
  event_id: string;
  node_id: string;
  title_zh: string;
  title_en: string;
  unit_id: string;
  role: string;
  user_id: string | null;
  status: TaskStatus;
  outcome: string | null;
  note: string | null;
  time_kind: string | null;
  limit_minutes: number | null;
  extra_minutes: number;
  warn_share: number;
  started_at: string;
  due_at: string | null;
  warn_at: string | null;
  paused_at: string | null;
  pending_request: string | null;
  overdue: number;
  urge_count: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  completed_by: string | null;
}

/** wait: a wait node's timer; warn / due: a task's SLA; action: an action run outside the step transaction. */
export type TimerKind = 'wait' | 'warn' | 'due' | 'action';

export interface ProcessTimersTable {
  id: string;
  instance_id: string;
  kind: TimerKind;
  token_id: string | null;
  task_id: string | null;
  due_at: string;
  created_at: string;
}

export interface VehiclesTable {
  /** Normalised plate, e.g. 蒙J12345 or 蒙JD12345 (new energy). */
  plate: string;
  plate_kind: string;
  owner_name: string;
  owner_phone: string | null;
  vehicle_type: string | null;
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface Database {
  org_units: OrgUnitsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  categories: CategoriesTable;
  events: EventsTable;
  event_units: EventUnitsTable;
  event_intake_keys: EventIntakeKeysTable;
  event_timeline: EventTimelineTable;
  attachments: AttachmentsTable;
  event_code_counters: EventCodeCountersTable;
  notifications: NotificationsTable;
  notification_attempts: NotificationAttemptsTable;
  linkage_queue: LinkageQueueTable;
  sms_templates: SmsTemplatesTable;
  duty_rosters: DutyRostersTable;
  calendars: CalendarsTable;
  calendar_days: CalendarDaysTable;
  processes: ProcessesTable;
  process_versions: ProcessVersionsTable;
  process_instances: ProcessInstancesTable;
  process_tokens: ProcessTokensTable;
  tasks: TasksTable;
  process_timers: ProcessTimersTable;
  vehicles: VehiclesTable;
}

// Keep Generated imported for modules that add auto-increment columns later.
export type { Generated };
