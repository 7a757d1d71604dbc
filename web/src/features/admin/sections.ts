/** The admin console's side menu, grouped as an administrator thinks of the work. */
export const ADMIN_SECTIONS: { title: string; items: { path: string; label: string }[] }[] = [
  { title: 'People', items: [{ path: 'users', label: 'Users' }] },
  { title: 'Mail', items: [
    { path: 'smtp-servers', label: 'SMTP servers' }, { path: 'accounts', label: 'Accounts' }, { path: 'entrances', label: 'Entrances' },
  ] },
  { title: 'Analysis', items: [
    { path: 'categories', label: 'Keyword categories' }, { path: 'patterns', label: 'Patterns' }, { path: 'templates', label: 'Answer templates' },
    { path: 'analysis-settings', label: 'Analysis settings' }, { path: 'try', label: 'Try a mail' },
  ] },
  { title: 'Routing', items: [
    { path: 'areas', label: 'Areas' }, { path: 'skills', label: 'Skills and groups' }, { path: 'queues', label: 'Queues' },
    { path: 'task-types', label: 'Task types' }, { path: 'task-type-rules', label: 'Task-type assignment' }, { path: 'routing-rules', label: 'Routing table' },
  ] },
  { title: 'Operations', items: [
    { path: 'quarantine', label: 'Quarantine' }, { path: 'outbox', label: 'Outbox' }, { path: 'audit', label: 'Audit log' },
  ] },
];
