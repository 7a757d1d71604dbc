import { Alert, Button, Checkbox, Group } from '@mantine/core';

export function RemoteImagesNotice({ count, sender, shown, always, onShow, onAlways }: {
  count: number; sender: string | null; shown: boolean; always: boolean; onShow: () => void; onAlways: (on: boolean) => void;
}) {
  if (count === 0) return null;
  return (
    <Alert color={shown ? 'gray' : 'yellow'} variant="light" py={6} data-testid="remote-notice">
      <Group justify="space-between" gap="xs">
        <span>
          {shown ? 'Remote images are shown.' : `${count} remote image${count === 1 ? '' : 's'} blocked to protect your privacy.`}
        </span>
        <Group gap="sm">
          {!shown && <Button size="compact-sm" variant="default" onClick={onShow}>Show images</Button>}
          {sender && <Checkbox size="xs" label={`Always show images from ${sender}`} checked={always} onChange={(e) => onAlways(e.currentTarget.checked)} />}
        </Group>
      </Group>
    </Alert>
  );
}
