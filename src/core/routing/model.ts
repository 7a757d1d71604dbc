/**
 * The routing model's configuration, as plain data (issue: queue engine). Both the pure
 * core (decisions) and the storage/API layer use these shapes. Times are epoch ms,
 * durations in seconds unless named otherwise.
 */

/** An organisation area: a hard routing partition. */
export interface Area {
  id: string;
  name: string;
  /** Wrap-up after a contact with a task type, in seconds (0 = none), or 'unlimited' (until ended). */
  defaultWrapUpSeconds: number | 'unlimited';
  /** Seconds a follow-up waits in the previous agent's personal queue before normal routing. */
  followUpPreferredSeconds: number;
  /** The area's no-routing queue: contacts with no valid route end up here. */
  noRoutingQueueId: string;
  /** Configurable pause reasons offered to agents ("missed offer" always exists). */
  pauseReasons: string[];
  /** Most contacts one agent may hold parked at once (default DEFAULT_MAX_PARKED). */
  maxParked?: number;
}

export const DEFAULT_MAX_PARKED = 5;

/** A skill (level 1–9 per agent) or a group (membership only) in one area. */
export interface SkillDef { id: string; areaId: string; name: string; kind: 'skill' | 'group' }

/**
 * A requirement expression over skills and groups, e.g. `billing>=5 AND group:swedish`.
 * Grammar: expr := term (OR term)* ; term := factor (AND factor)* ; factor := NOT factor | '(' expr ')' | atom ;
 * atom := name (>=|>|=|<=|<) level | name (level >= 1) | group:name.
 */
export type Requirement =
  | { op: 'skill'; skill: string; cmp: '>=' | '>' | '=' | '<=' | '<'; level: number }
  | { op: 'group'; group: string }
  | { op: 'and' | 'or'; items: Requirement[] }
  | { op: 'not'; item: Requirement }
  | { op: 'true' };

/** After `afterSeconds` of waiting, lower required levels by `lowerLevelsBy` and/or drop the named skills/groups. */
export interface RelaxationStep { afterSeconds: number; lowerLevelsBy: number; drop: string[] }

export type QueueKind = 'skill' | 'personal' | 'no-routing' | 'waiting-list';
export type SortOrder = 'longest-waiting' | 'highest-priority' | 'service-level-deadline';
export type AgentSelection = 'longest-idle' | 'most-skilled' | 'least-busy';

export interface QueueDef {
  id: string;
  areaId: string;
  name: string;
  kind: QueueKind;
  /** For personal queues: the agent. */
  ownerAgentId: string | null;
  requirement: Requirement;
  /** The text the requirement was parsed from, for display and editing. */
  requirementText: string;
  relaxation: RelaxationStep[];
  /** 1 is served first. */
  priorityTier: number;
  sortOrder: SortOrder;
  /** Relative share among queue heads of the same tier (> 0). */
  weight: number;
  agentSelection: AgentSelection;
  /** Service levels in minutes (email). */
  sl1Minutes: number;
  sl2Minutes: number;
}

/** Contact data the rules match on: entrance, categories, pattern values, from, to, subject, language, taskType… */
export type ContactData = Record<string, string | string[] | number | boolean | null>;

export interface Criterion { key: string; op: 'equals' | 'contains'; value: string }

/** One row of the task-type assignment table; rows are searched in `order`, first match wins. */
export interface TaskTypeRule { id: string; areaId: string; order: number; criteria: Criterion[]; taskTypeId: string }

/** wrapUpSeconds: seconds, 'unlimited', or null = use the area default. */
export interface TaskType {
  id: string; areaId: string; name: string; wrapUpSeconds: WrapUp | null;
  /** The codes an agent chooses from when closing a contact of this type; when non-empty, one is required. */
  wrapUpCodes?: string[];
}

/** A wrap-up length: seconds (0 = none) or 'unlimited' (until the agent ends it). */
export type WrapUp = number | 'unlimited';

export type EscalationConstraint =
  | { type: 'none' }
  | { type: 'wait'; seconds: number }
  /** Estimated queue time of the destination above `seconds`. */
  | { type: 'eqt'; seconds: number }
  /** Contacts in the destination per logged-in agent above `ratio`. */
  | { type: 'agentConRatio'; ratio: number }
  /** Available (ready, with free capacity) agents for the destination below `min`. */
  | { type: 'minAvailAgents'; min: number };

export type Destination =
  | { type: 'queue'; queueId: string; escalation: EscalationConstraint }
  | { type: 'waiting-list'; queueId: string; escalation: EscalationConstraint }
  | { type: 'personal'; agentId: string; escalation: EscalationConstraint }
  | { type: 'external-email'; address: string }
  | { type: 'end'; reason: string }
  | { type: 'area'; areaId: string };

export interface RoutingRule {
  id: string;
  areaId: string;
  /** Search order within the area; the first rule whose criteria all hold applies. */
  order: number;
  criteria: Criterion[];
  destinations: Destination[];
}

export interface OpeningHours {
  /** IANA time zone, e.g. Europe/Stockholm. */
  timeZone: string;
  /** Per ISO weekday 1 (Monday) … 7: open intervals "HH:MM-HH:MM"; absent or empty = closed. */
  weekly: Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, string[]>>;
  /** Dated exceptions "YYYY-MM-DD" → intervals (empty = closed all day). */
  exceptions: Record<string, string[]>;
}

export interface EntranceDef {
  id: string;
  areaId: string;
  name: string;
  hours: OpeningHours | null;
  /** The entrance's own queue: where its mail waits when no routing rule matches (null = the area's no-routing queue). */
  defaultQueueId: string | null;
}

export interface AgentDef {
  id: string;
  /** For display in events and personal-queue views. */
  name?: string;
  areaId: string;
  skills: Record<string, number>;
  groups: string[];
  /** Email capacity, 1–25. */
  capacity: number;
  autoAccept: boolean;
  /** Personal wrap-up override; null = use the task type, then the area. */
  wrapUpSeconds: WrapUp | null;
  /** Queues the agent was logged into by a supervisor regardless of skills (emergency). */
  forcedQueueIds: string[];
}

export interface RoutingConfig {
  areas: Record<string, Area>;
  queues: Record<string, QueueDef>;
  entrances: Record<string, EntranceDef>;
  taskTypes: Record<string, TaskType>;
  taskTypeRules: TaskTypeRule[];
  routingRules: RoutingRule[];
  agents: Record<string, AgentDef>;
}
