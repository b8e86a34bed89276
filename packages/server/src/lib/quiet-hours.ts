/** Quiet hours of SMS (notify's schedule policy), parsed from the configuration's text. */

/** Quiet period in local minutes of the day, [start, end); start > end crosses midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

/** Parses "22:00-07:00"; "", "off" or "none" mean no quiet hours. Throws a readable Error otherwise. */
export function parseQuietHours(text: string): QuietHours | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'off' || t === 'none') return null;
  const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(t);
  const valid = m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3]) < 24 && Number(m[4]) < 60;
  if (!m || !valid) throw new Error(`quiet hours must look like 22:00-07:00 (or "off"), not "${text}"`);
  const startMinute = Number(m[1]) * 60 + Number(m[2]);
  const endMinute = Number(m[3]) * 60 + Number(m[4]);
  if (startMinute === endMinute) throw new Error(`quiet hours "${text}" start and end at the same time; use "off" for none`);
  return { startMinute, endMinute };
}
