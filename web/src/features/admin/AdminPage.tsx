import { Box, NavLink as MantineNavLink, ScrollArea, Text } from '@mantine/core';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { AccountsPage } from './mail/AccountsPage';
import { SmtpServersPage } from './mail/SmtpServersPage';
import { CategoriesPage } from './analysis/CategoriesPage';
import { QueuesPage } from './routing/QueuesPage';
import { RoutingRulesPage } from './routing/RoutingRulesPage';
import { AreasPage } from './routing/AreasPage';
import { SkillsPage } from './routing/SkillsPage';
import { TaskTypesPage } from './routing/TaskTypesPage';
import { TaskTypeRulesPage } from './routing/TaskTypeRulesPage';
import { UsersPage } from './users/UsersPage';
import { QuarantinePage } from './operations/QuarantinePage';
import { OutboxPage } from './operations/OutboxPage';
import { AuditPage } from './operations/AuditPage';
import { EntrancesPage } from './entrances/EntrancesPage';
import { PatternsPage } from './analysis/PatternsPage';
import { SettingsPage } from './analysis/SettingsPage';
import { TemplatesPage } from './analysis/TemplatesPage';
import { TryMailPage } from './analysis/TryMailPage';
import { ADMIN_SECTIONS } from './sections';

/** The admin console: a side menu of sections, each a page of its own (deep links work). */
export function AdminPage() {
  return (
    <Box style={{ display: 'flex', flex: 1, minHeight: 0 }}>
      <Box component="nav" aria-label="Admin console" w={220} style={{ borderRight: '1px solid var(--mantine-color-default-border)', flexShrink: 0 }}>
        <ScrollArea h="100%">
          {ADMIN_SECTIONS.map((group) => (
            <Box key={group.title} py={4}>
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="xs">{group.title}</Text>
              {group.items.map((item) => (
                <MantineNavLink key={item.path} component={NavLink} to={`/admin/${item.path}`} label={item.label} />
              ))}
            </Box>
          ))}
        </ScrollArea>
      </Box>
      <Box component="section" style={{ flex: 1, minWidth: 0, overflow: 'auto' }}>
        <Routes>
          <Route index element={<Navigate to="accounts" replace />} />
          <Route path="smtp-servers" element={<SmtpServersPage />} />
          <Route path="accounts" element={<AccountsPage />} />
          <Route path="categories" element={<CategoriesPage />} />
          <Route path="queues" element={<QueuesPage />} />
          <Route path="routing-rules" element={<RoutingRulesPage />} />
          <Route path="areas" element={<AreasPage />} />
          <Route path="skills" element={<SkillsPage />} />
          <Route path="task-types" element={<TaskTypesPage />} />
          <Route path="task-type-rules" element={<TaskTypeRulesPage />} />
          <Route path="users" element={<UsersPage />} />
          <Route path="quarantine" element={<QuarantinePage />} />
          <Route path="outbox" element={<OutboxPage />} />
          <Route path="audit" element={<AuditPage />} />
          <Route path="entrances" element={<EntrancesPage />} />
          <Route path="patterns" element={<PatternsPage />} />
          <Route path="templates" element={<TemplatesPage />} />
          <Route path="analysis-settings" element={<SettingsPage />} />
          <Route path="try" element={<TryMailPage />} />
          <Route path="*" element={<Navigate to="accounts" replace />} />
        </Routes>
      </Box>
    </Box>
  );
}
