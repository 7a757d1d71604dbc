import { ActionIcon, Group, Paper } from '@mantine/core';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { Placeholder } from '@tiptap/extensions';
import { useEffect } from 'react';
import './editor.css';

/** The answer's text: TipTap with a small, keyboard-reachable toolbar (Ctrl+B, Ctrl+I work too). */
export function useAnswerEditor(initialHtml: string, onChange: (html: string) => void, autofocus = false): Editor | null {
  const editor = useEditor({
    // Opened with Reply / Reply all the agent types at once (keyboard-first); a draft continues at its end.
    autofocus: autofocus ? 'end' : false,
    extensions: [StarterKit.configure({ link: { openOnClick: false, autolink: true } }), Placeholder.configure({ placeholder: 'Write your answer…' })],
    content: initialHtml,
    editorProps: { attributes: { 'aria-label': 'Answer text', role: 'textbox', 'aria-multiline': 'true', 'data-testid': 'answer-editor' } },
    onUpdate: ({ editor: e }) => onChange(e.getHTML()),
  });
  useEffect(() => () => editor?.destroy(), [editor]);
  return editor;
}

function Tool({ label, active, onClick, children }: { label: string; active: boolean; onClick: () => void; children: React.ReactNode }) {
  return (
    <ActionIcon variant={active ? 'filled' : 'default'} size="sm" aria-label={label} aria-pressed={active} onClick={onClick}><span aria-hidden>{children}</span></ActionIcon>
  );
}

export function EditorBox({ editor }: { editor: Editor | null }) {
  if (!editor) return null;
  const chain = () => editor.chain().focus();
  return (
    <Paper withBorder p={4} className="sy-editor">
      <Group gap={4} mb={4} role="toolbar" aria-label="Formatting">
        <Tool label="Bold" active={editor.isActive('bold')} onClick={() => chain().toggleBold().run()}><b>B</b></Tool>
        <Tool label="Italic" active={editor.isActive('italic')} onClick={() => chain().toggleItalic().run()}><i>I</i></Tool>
        <Tool label="Bulleted list" active={editor.isActive('bulletList')} onClick={() => chain().toggleBulletList().run()}>•</Tool>
        <Tool label="Numbered list 1." active={editor.isActive('orderedList')} onClick={() => chain().toggleOrderedList().run()}>1.</Tool>
        <Tool label="Quote" active={editor.isActive('blockquote')} onClick={() => chain().toggleBlockquote().run()}>❝</Tool>
      </Group>
      <EditorContent editor={editor} />
    </Paper>
  );
}
