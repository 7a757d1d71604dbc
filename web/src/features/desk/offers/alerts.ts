import { useLocalStorage } from '@mantine/hooks';

/** How an offer announces itself besides the popup: a short tone, a browser notification. */
export interface AlertPrefs { sound: boolean; notify: boolean }

export function useAlertPreferences() {
  return useLocalStorage<AlertPrefs>({ key: 'switchyard.offerAlerts', defaultValue: { sound: false, notify: false } });
}

let audio: AudioContext | null = null;

export function playOfferTone(): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.4);
  } catch { /* no audio device: the popup is enough */ }
}

export function notifyOffer(subject: string): void {
  if (!('Notification' in window) || Notification.permission !== 'granted' || !document.hidden) return;
  const n = new Notification('New email offered', { body: subject, tag: 'switchyard-offer' });
  n.onclick = () => { window.focus(); n.close(); };
}
