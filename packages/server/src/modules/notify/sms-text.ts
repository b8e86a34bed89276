import { maskPhone } from '../users/phone.ts';
import { maskPersonalText } from '../../lib/logger.ts';

// GSM 03.38 basic set; anything else forces UCS-2 (every Chinese text does).
const GSM7 = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM7_EXTENDED = new Set('^{}\\[~]|€');

/** How many SMS parts a text needs: 160/153 GSM-7 septets, or 70/67 UCS-2 units when concatenated. */
export function countSmsParts(text: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units = UCS-2 octet pairs
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** A number safe to log: 138****0001. */
export const maskPhoneForLog = (phone: string | null | undefined): string => (phone ? maskPhone(phone) : '-');

/** Free text (a message body, a provider's error) safe to log: numbers and ID numbers masked. */
export const maskTextForLog = (text: string): string => maskPersonalText(text);
