import { Switch, Group } from '@mantine/core';
import { useAlertPreferences } from '../offers/alerts';

/** Offer sound and browser notification, per browser. */
export function AlertPreferences() {
  const [prefs, setPrefs] = useAlertPreferences();
  const askNotifications = async (on: boolean) => {
    if (on && 'Notification' in window && Notification.permission === 'default') await Notification.requestPermission();
    setPrefs({ ...prefs, notify: on });
  };
  return (
    <Group gap="sm" wrap="nowrap">
      <Switch size="xs" label="Sound" checked={prefs.sound} onChange={(e) => setPrefs({ ...prefs, sound: e.currentTarget.checked })} />
      <Switch size="xs" label="Notify" checked={prefs.notify} onChange={(e) => void askNotifications(e.currentTarget.checked)} />
    </Group>
  );
}
