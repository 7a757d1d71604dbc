import { Alert, Button, Checkbox, Group, Loader, Paper, SegmentedControl, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '@/shared/api';
import { formatTime } from '@/shared/lib/format';
import { useShortcut } from '@/shared/shortcuts/registry';
import { discardDraft, useAnswerOptions, useDraft, useSend, type Answer, type AnswerOptions, type Draft, type DraftFields, type Mode } from './api';
import { AttachmentPicker } from './AttachmentPicker';
import { EditorBox, useAnswerEditor } from './EditorBox';
import { TemplatePicker } from './TemplatePicker';
import { useAutosave, type SaveState } from './useAutosave';

const MODES: { value: Mode; label: string }[] = [{ value: 'reply', label: 'Reply' }, { value: 'reply-all', label: 'Reply all' }, { value: 'forward', label: 'Forward' }];

function initialFields(options: AnswerOptions, draft: Draft | null | undefined, mode: Mode): DraftFields {
  if (draft) {
    const { version: _v, updatedAt: _u, ...fields } = draft;
    return fields;
  }
  const d = options.defaults[mode];
  return { mode, from: options.fromAddresses[0] ?? '', to: d.to, cc: d.cc, bcc: [], subject: d.subject, html: '', quote: 'thread', attachmentIds: [], templateId: null };
}

function SaveStatus({ state }: { state: SaveState }) {
  const text = state.kind === 'saving' ? 'Saving draft…' : state.kind === 'saved' ? `Draft saved ${formatTime(state.at)}` : state.kind === 'error' ? `Draft not saved: ${state.message}` : '';
  return <Text size="xs" c={state.kind === 'error' ? 'red.9' : 'dimmed'} role="status" data-testid="draft-status">{text}</Text>;
}

/** The answer composer: loads the server draft (or the defaults of the mode) and autosaves every change. */
export function Composer({ contactId, mode, onSent, onClose }: { contactId: string; mode: Mode; onSent: (a: Answer) => void; onClose: () => void }) {
  const options = useAnswerOptions(contactId);
  const draft = useDraft(contactId);
  if (options.isPending || draft.isPending) return <Loader m="sm" aria-label="Loading the composer" />;
  if (options.isError) return <Alert color="red" role="alert">{messageOf(options.error)}</Alert>;
  return <ComposerForm contactId={contactId} options={options.data} initial={initialFields(options.data, draft.data, mode)} onSent={onSent} onClose={onClose} />;
}

function ComposerForm({ contactId, options, initial, onSent, onClose }: {
  contactId: string; options: AnswerOptions; initial: DraftFields; onSent: (a: Answer) => void; onClose: () => void;
}) {
  const [fields, setFields] = useState<DraftFields>(initial);
  const [missing, setMissing] = useState<string[]>([]);
  const [allowMissing, setAllowMissing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const autosave = useAutosave(contactId);
  const send = useSend(contactId);
  const update = (patch: Partial<DraftFields>) => setFields((f) => { const next = { ...f, ...patch }; autosave.schedule(next); return next; });
  // Focus where the agent types first: the To field of a forward still without recipients, else the text.
  const focusTo = initial.mode === 'forward' && (initial.to ?? []).length === 0;
  const toRef = useRef<HTMLInputElement>(null);
  useEffect(() => { if (focusTo) toRef.current?.focus(); }, [focusTo]);
  const editor = useAnswerEditor(initial.html ?? '', (html) => update({ html }), !focusTo);

  const switchMode = (mode: Mode) => {
    const d = options.defaults[mode];
    update({ mode, to: d.to, cc: d.cc, subject: d.subject });
  };
  const doSend = () => {
    setProblem(null);
    const body = { ...fields, html: editor?.getHTML() ?? fields.html, ...(allowMissing ? { allowMissingVariables: true } : {}) };
    send.mutate(body, { onSuccess: onSent, onError: (err) => setProblem(messageOf(err)) });
  };
  const discard = async () => { await discardDraft(contactId).catch(() => undefined); onClose(); };
  useShortcut({ keys: ['Ctrl+Enter', 'Meta+Enter'], label: 'Send the answer', group: 'Answer' }, doSend);

  const list = (label: string, key: 'to' | 'cc' | 'bcc') => (
    <TagsInput ref={key === 'to' ? toRef : undefined} label={label} size="xs" value={fields[key] ?? []} onChange={(v) => update({ [key]: v })} splitChars={[',', ' ', ';']} clearable
      placeholder={key === 'to' ? 'Recipients' : undefined} style={{ flex: 1 }} />
  );
  return (
    <Paper withBorder p="sm" component="section" aria-label="Answer" data-testid="composer">
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <SegmentedControl size="xs" data={MODES} value={fields.mode} onChange={(v) => switchMode(v as Mode)} aria-label="Answer mode" />
          <SaveStatus state={autosave.state} />
        </Group>
        <Group gap="xs" wrap="nowrap" align="flex-end">
          <Select label="From" size="xs" w={260} data={options.fromAddresses} value={fields.from} allowDeselect={false}
            onChange={(v) => v && update({ from: v })} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Subject" size="xs" style={{ flex: 1 }} value={fields.subject ?? ''} onChange={(e) => update({ subject: e.currentTarget.value })} />
        </Group>
        <Group gap="xs" wrap="nowrap" align="flex-end">{list('To', 'to')}{list('Cc', 'cc')}{list('Bcc', 'bcc')}</Group>
        <Group gap="xs" align="flex-end">
          <TemplatePicker contactId={contactId} templates={options.templates} value={fields.templateId}
            onError={setProblem}
            onRendered={(templateId, r) => {
              editor?.chain().focus('start').insertContent(r.html).run();
              setMissing(r.missing);
              update({ templateId, html: editor?.getHTML() ?? r.html, ...(fields.subject ? {} : { subject: r.subject }) });
            }} />
          {fields.mode !== 'forward' && (
            <Select label="Quote" size="xs" w={170} value={fields.quote ?? 'thread'} allowDeselect={false} onChange={(v) => update({ quote: v === 'none' ? 'none' : 'thread' })}
              data={[{ value: 'thread', label: 'Quote the thread' }, { value: 'none', label: 'No quote' }]} comboboxProps={{ withinPortal: true }} />
          )}
        </Group>
        {missing.length > 0 && (
          <Alert color="yellow" py={4} data-testid="missing-variables">
            <Text size="sm">No value now for {missing.map((m) => `{{${m}}}`).join(', ')}: fill or remove them before sending.</Text>
            <Checkbox size="xs" mt={4} label="Send anyway (they become empty)" checked={allowMissing} onChange={(e) => setAllowMissing(e.currentTarget.checked)} />
          </Alert>
        )}
        <EditorBox editor={editor} />
        <AttachmentPicker contactId={contactId} ids={fields.attachmentIds ?? []} maxBytes={options.maxUploadBytes} onChange={(attachmentIds) => update({ attachmentIds })} />
        {problem && <Alert color="red" py={4} role="alert" data-testid="send-error">{problem}</Alert>}
        <Group justify="space-between">
          <Button size="compact-sm" variant="subtle" color="red" onClick={() => void discard()}>Discard draft</Button>
          <Group gap="xs">
            <Button size="compact-sm" variant="default" onClick={onClose}>Close</Button>
            <Button size="compact-sm" onClick={doSend} loading={send.isPending}>Send (Ctrl+Enter)</Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}
