import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types shared by SQLite and PostgreSQL. Times are epoch milliseconds
 * (bigint in PostgreSQL, parsed to number), booleans are 0/1, JSON is text.
 */
export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: 'admin' | 'supervisor' | 'agent';
  email: string | null;
  skills: string; // JSON: Record<string, number>
  capacity: number;
  created_at: number;
  updated_at: number;
  /** 009-admin: a disabled user cannot sign in and is logged out of the queue engine. */
  disabled: Generated<number>;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface SmtpServersTable {
  id: string;
  name: string;
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  auth_user: string | null;
  auth_secret: string | null; // encrypted
  auth_method: 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | null;
  created_at: number;
  updated_at: number;
  /** 009-admin: accept a self-signed TLS certificate (explicit opt-in). */
  allow_self_signed: Generated<number>;
  /** 011: switched off by an administrator; its outbox rows wait. */
  disabled: Generated<number>;
}

/** 011: an agent's "always show images" senders (lower-cased addresses). */
export interface ImageSendersTable { user_id: string; sender: string; created_at: number }

export interface AccountsTable {
  id: string;
  address: string;
  protocol: 'imap' | 'smtp';
  host: string;
  port: number;
  security: 'none' | 'starttls' | 'tls';
  username: string | null;
  password_secret: string | null; // encrypted
  mailbox: string;
  after_import: 'seen' | 'move' | 'delete';
  move_to: string | null;
  poll_interval_seconds: number;
  smtp_server_id: string | null;
  return_address: string | null;
  alternative_addresses: string; // JSON string[]
  /** IMAP folder for copies of sent answers; null = the special-use \\Sent mailbox (migration 006). */
  sent_folder: ColumnType<string | null, string | null | undefined, string | null>;
  enabled: number;
  health_state: string;
  health_last_success_at: number | null;
  health_last_error: string | null;
  health_last_error_at: number | null;
  health_updated_at: number | null;
  created_at: number;
  updated_at: number;
  /** 009-admin: accept a self-signed TLS certificate (explicit opt-in). */
  allow_self_signed: Generated<number>;
}

export interface AccountCursorsTable {
  account_id: string;
  mailbox: string;
  uidvalidity: number;
  last_uid: number;
  updated_at: number;
}

export interface QueuesTable {
  id: string;
  name: string;
  created_at: number;
  // routing model (003-routing)
  area_id: Generated<string>;
  kind: Generated<'skill' | 'no-routing' | 'waiting-list'>;
  requirement: Generated<string>;
  relaxation: Generated<string>; // JSON RelaxationStep[]
  priority_tier: Generated<number>;
  sort_order: Generated<'longest-waiting' | 'highest-priority' | 'service-level-deadline'>;
  weight: Generated<number>;
  agent_selection: Generated<'longest-idle' | 'most-skilled' | 'least-busy'>;
  sl1_minutes: Generated<number>;
  sl2_minutes: Generated<number>;
  /** 009-admin: the monitor shows the row red beyond these. */
  threshold_longest_wait_seconds: ColumnType<number | null, number | null | undefined, number | null>;
  threshold_sl_percent: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface EntrancesTable {
  id: string;
  name: string;
  account_id: string | null;
  queue_id: string;
  created_at: number;
  area_id: Generated<string>;
  hours: string | null; // JSON OpeningHours
  fallback_to_queue: Generated<number>;
  /** Appended to agents' answers sent from this entrance's addresses (migration 006). */
  signature: ColumnType<string | null, string | null | undefined, string | null>;
}

export type InboundStatus = 'stored' | 'processing' | 'done' | 'duplicate' | 'quarantined';

export interface InboundMessagesTable {
  id: Generated<number>;
  account_id: string;
  uidvalidity: number | null;
  uid: number | null;
  /** Of the raw bytes (kept in inbound_raw). */
  size: number;
  sha256: string;
  stored_at: number;
  status: InboundStatus;
  /** 'pending' until the after-import action ran on the source server; 'none' when there is none (SMTP). */
  source_action: 'pending' | 'done' | 'none';
  claimed_by: string | null;
  claim_expires_at: number | null;
  attempts: number;
  contact_id: string | null;
  error: string | null;
  processed_at: number | null;
  /** Arrival at the mailbox (IMAP INTERNALDATE, or SMTP receipt); null for rows from before this was kept. */
  arrived_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/**
 * An inbound message's raw bytes, written with it and never updated (migration 012): its state
 * changes rewrite only the small inbound_messages row, not ~10 KB of overflow pages on SQLite.
 */
export interface InboundRawTable {
  inbound_message_id: number;
  raw: Buffer;
}

export type ContactStatus = 'queued' | 'offered' | 'assigned' | 'closed';

export interface ContactsTable {
  id: string;
  entrance_id: string;
  queue_id: string;
  inbound_message_id: number | null;
  dedupe_key: string;
  status: ContactStatus;
  message_id: string | null;
  subject: string;
  from_address: string | null;
  from_name: string | null;
  to_addresses: string; // JSON EmailAddress[]
  cc_addresses: string;
  reply_to: string;
  sent_date: number | null;
  in_reply_to: string | null;
  references_ids: string; // JSON string[]
  text_body: string;
  html_body: string | null;
  attachments: string; // JSON AttachmentInfo[]
  contact_data: string; // JSON
  priority: number;
  queued_at: number;
  agent_id: string | null;
  offer_count: number;
  declined_by: string; // JSON string[]
  assigned_at: number | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
  /** Analysis (migration 002): the case this contact belongs to, and the explainable analysis result (JSON). */
  case_id: ColumnType<string | null, string | null | undefined, string | null>;
  case_number: ColumnType<number | null, number | null | undefined, number | null>;
  analysis: ColumnType<string | null, string | null | undefined, string | null>;
  // routing model (003-routing)
  area_id: string | null;
  task_type_id: string | null;
  personal_agent_id: string | null;
  routing: Generated<'pending' | 'held' | 'routed'>;
  route: Generated<string>; // JSON Destination[]
  route_index: Generated<number>;
  dest_entered_at: number | null;
  due_at: number | null;
  out_of_hours: Generated<number>;
  previous_agent_id: string | null;
  end_reason: string | null;
  // agent actions (007-agent-actions)
  /** 1: parked by its agent (still theirs, not counted in their load). */
  parked: Generated<number>;
  parked_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** The park reminder: due time of a 'contact.park_reminder' event; null once sent. */
  park_remind_at: ColumnType<number | null, number | null | undefined, number | null>;
  wrap_up_code: ColumnType<string | null, string | null | undefined, string | null>;
  /** Set when the agent closed the contact unhandled: the reason (statistics count these apart). */
  unhandled_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface OffersTable {
  id: string;
  contact_id: string;
  agent_id: string;
  status: 'open' | 'accepted' | 'declined' | 'expired' | 'withdrawn';
  created_at: number;
  expires_at: number;
  resolved_at: number | null;
}

export interface AgentStatesTable {
  user_id: string;
  state: 'logged_out' | 'ready' | 'paused' | 'wrap_up';
  pause_reason: string | null;
  state_since: number;
  /** When the agent last became idle (ready with nothing to do): longest-idle ordering. */
  idle_since: number;
  updated_at: number;
  pending_pause: string | null; // JSON { reason }
  wrap_up_until: number | null;
}

export interface AreasTable {
  id: string;
  name: string;
  default_wrap_up_seconds: number; // -1 = unlimited
  follow_up_preferred_seconds: number;
  no_routing_queue_id: string | null;
  pause_reasons: string; // JSON string[]
  created_at: number;
  max_parked: Generated<number>;
}

export interface SkillsTable { id: string; area_id: string; name: string; kind: 'skill' | 'group'; created_at: number }

export interface TaskTypesTable { id: string; area_id: string; name: string; wrap_up_seconds: number | null; created_at: number; wrap_up_codes: Generated<string> /* JSON string[] */ }

export interface TaskTypeRulesTable { id: string; area_id: string; position: number; criteria: string; task_type_id: string }

export interface RoutingRulesTable { id: string; area_id: string; position: number; criteria: string; destinations: string }

export interface AgentSettingsTable {
  user_id: string;
  area_id: string;
  groups: string; // JSON string[]
  auto_accept: number;
  wrap_up_seconds: number | null; // -1 = unlimited
  forced_queue_ids: string; // JSON string[]
}

export interface LeasesTable { name: string; holder: string; expires_at: number }

/** A command for the queue engine's leader: pending → done (answered, result JSON) or cancelled (its sender gave up). */
export interface AcdCommandsTable {
  id: Generated<number>;
  event: string;
  status: 'pending' | 'done' | 'cancelled';
  result: string | null;
  submitted_by: string;
  answered_by: string | null;
  created_at: number;
  answered_at: number | null;
}

/** cancelled: an agent's answer taken back (undo) before it left. */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface OutboxTable {
  id: Generated<number>;
  /** sent_copy: an IMAP APPEND of a sent reply to the account's Sent folder (no SMTP). */
  kind: 'redirect' | 'auto_answer' | 'reply' | 'notice' | 'sent_copy';
  contact_id: string | null;
  account_id: string | null;
  envelope_from: string;
  envelope_to: string; // JSON string[]
  raw: Buffer;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  claimed_by: string | null;
  claim_expires_at: number | null;
  created_at: number;
  sent_at: number | null;
}

export interface QuarantineTable {
  id: Generated<number>;
  inbound_message_id: number | null;
  account_id: string | null;
  reason_code: string;
  reason: string;
  created_at: number;
  /** 009-admin: 'released' (processed again) or 'discarded'; null while open. */
  resolution: ColumnType<'released' | 'discarded' | null, 'released' | 'discarded' | null | undefined, 'released' | 'discarded' | null>;
  resolved_at: ColumnType<number | null, number | null | undefined, number | null>;
  resolved_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface EventsTable {
  id: Generated<number>;
  at: number;
  type: string;
  contact_id: string | null;
  agent_id: string | null;
  data: string; // JSON
  /** JSON: the payload pushed on the event socket (007); null for events that are only logged. */
  push: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** Analysis and automatic answers (migration 002). JSON columns are text. */
export interface CategoriesTable {
  id: string;
  name: string;
  keywords: string; // JSON string[]
  active: number;
  language: string | null;
  position: number;
  created_at: number;
  updated_at: number;
}

export interface PatternSpecsTable {
  id: string;
  name: string;
  spec: string; // JSON PatternSpec
  position: number;
  created_at: number;
  updated_at: number;
}

export interface AnswerTemplatesTable {
  id: string;
  name: string;
  versions: string; // JSON Record<language, { subject, body }>
  default_language: string;
  created_at: number;
  updated_at: number;
}

export interface AutoAnswerConfigsTable {
  entrance_id: string;
  mode: 'always' | 'never' | 'conditional';
  template_id: string | null;
  rules: string; // JSON Array<{ key, op, value, templateId }>
  fallback_template_id: string | null;
  quoting: 'none' | 'before' | 'after';
  quote_prefix: string;
  opening_hours: string | null;
  updated_at: number;
}

export interface AutoAnswerLogTable {
  id: Generated<number>;
  recipient: string;
  kind: 'auto_answer' | 'notice';
  entrance_id: string | null;
  contact_id: string | null;
  outbox_id: number | null;
  sent_at: number;
}

export interface CasesTable {
  number: Generated<number>;
  id: string;
  entrance_id: string | null;
  first_contact_id: string | null;
  subject: string;
  customer_address: string | null;
  created_at: number;
  updated_at: number;
}

export interface CaseMessagesTable {
  message_id: string;
  case_id: string;
  contact_id: string | null;
  direction: 'in' | 'out';
  created_at: number;
}

export interface AccountLimitsTable {
  account_id: string;
  max_message_bytes: number;
  updated_at: number;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  username: string;
  /** The client address of the attempt ('' for rows from before migration 010). */
  address: Generated<string>;
  at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  user_id: string | null;
  username: string | null;
  object_type: string;
  object_id: string | null;
  action: string;
  before: string | null; // JSON, secrets masked
  after: string | null; // JSON, secrets masked
}

export interface StatsIntervalsTable {
  granularity: '15m' | 'day';
  dimension: 'queue' | 'entrance' | 'task-type' | 'agent';
  key: string;
  start: number;
  received: number;
  established: number;
  re_established: number;
  closed_unhandled: number;
  transferred: number;
  sl1: number;
  sl2: number;
  answered: number;
  queue_ms_sum: number;
  queue_ms_max: number;
  handled: number;
  handle_ms_sum: number;
  outgoing: number;
}

export interface StatsContactsTable {
  contact_id: string;
  state: string; // JSON ContactTrack
}

/** Answering (migration 006). */
export interface AnswerDraftsTable {
  contact_id: string;
  agent_id: string;
  content: string; // JSON DraftContent
  version: number;
  updated_at: number;
}

export interface AnswerUploadsTable {
  id: string;
  contact_id: string;
  case_id: string | null;
  agent_id: string;
  filename: string;
  content_type: string;
  size: number;
  content: Buffer;
  answer_id: string | null;
  created_at: number;
}

export type AnswerState = 'scheduled' | 'queued' | 'sent' | 'retrying' | 'failed' | 'cancelled';

export interface AnswersTable {
  id: string;
  contact_id: string;
  case_id: string | null;
  agent_id: string;
  entrance_id: string | null;
  account_id: string | null;
  mode: 'reply' | 'reply-all' | 'forward';
  from_address: string;
  to_addresses: string;
  cc_addresses: string;
  bcc_addresses: string;
  subject: string;
  html: string;
  text: string;
  attachments: string;
  message_id: string;
  outbox_id: number | null;
  state: AnswerState;
  reason: string | null;
  undo_until: number;
  draft: string;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

export interface Database {
  audit_log: AuditLogTable;
  stats_intervals: StatsIntervalsTable;
  stats_contacts: StatsContactsTable;
  answer_drafts: AnswerDraftsTable;
  answer_uploads: AnswerUploadsTable;
  answers: AnswersTable;
  login_failures: LoginFailuresTable;
  users: UsersTable;
  sessions: SessionsTable;
  smtp_servers: SmtpServersTable;
  accounts: AccountsTable;
  account_cursors: AccountCursorsTable;
  queues: QueuesTable;
  entrances: EntrancesTable;
  inbound_messages: InboundMessagesTable;
  inbound_raw: InboundRawTable;
  contacts: ContactsTable;
  offers: OffersTable;
  agent_states: AgentStatesTable;
  outbox: OutboxTable;
  quarantine: QuarantineTable;
  events: EventsTable;
  settings: SettingsTable;
  categories: CategoriesTable;
  pattern_specs: PatternSpecsTable;
  answer_templates: AnswerTemplatesTable;
  auto_answer_configs: AutoAnswerConfigsTable;
  auto_answer_log: AutoAnswerLogTable;
  cases: CasesTable;
  case_messages: CaseMessagesTable;
  account_limits: AccountLimitsTable;
  areas: AreasTable;
  skills: SkillsTable;
  task_types: TaskTypesTable;
  task_type_rules: TaskTypeRulesTable;
  routing_rules: RoutingRulesTable;
  agent_settings: AgentSettingsTable;
  leases: LeasesTable;
  acd_commands: AcdCommandsTable;
  image_senders: ImageSendersTable;
}

export type UserRow = Selectable<UsersTable>;
export type AccountRow = Selectable<AccountsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type OfferRow = Selectable<OffersTable>;
/** A message as the email server handles it: its row with its raw bytes (from inbound_raw). */
export type InboundMessageRow = Selectable<InboundMessagesTable> & { raw: Buffer };
export type OutboxRow = Selectable<OutboxTable>;
export type NewContact = Insertable<ContactsTable>;
export type AccountUpdate = Updateable<AccountsTable>;
export type AnswerRow = Selectable<AnswersTable>;
