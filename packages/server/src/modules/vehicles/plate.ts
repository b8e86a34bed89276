import type { PlateKind } from '@liandong/contracts';
import { AppError } from '../../errors.ts';

/*
 * Chinese licence plates (GA 36-2018, 中华人民共和国机动车号牌), as people type them and as cameras
 * report them: "蒙j·12345", "蒙 J-12345", "蒙Ｊ１２３４５" all mean 蒙J12345.
 *
 *   province   issuing authority   serial
 *   蒙          J                   12345      ordinary: 5 letters or digits
 *   蒙          J                   D12345     small new-energy: D/A/B/C/E (pure electric) or
 *                                              F/G/H/J/K (other), a letter or digit, 4 digits
 *   蒙          J                   12345D     large new-energy: 5 digits, then one of those letters
 *   蒙          J                   1234学     4 letters or digits + 学 (coach), 警 (police),
 *                                              挂 (trailer), 领 (consulate)
 *   粤          Z                   1234港     Hong Kong / Macau cross-border (粤Z only)
 *   使                              014578     embassy: 使 + 6 digits
 *
 * Serials never use the letters I and O (they read as 1 and 0). Issuing-authority letters are
 * A–Z without I; O is the provincial public-security code and so appears only on police plates.
 * We do not enforce issuing policy (how many letters a serial may carry, which letters a
 * province uses): a registry import must not refuse plates that are on the road.
 */

export const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

export type { PlateKind };

export type NormalizedPlate = { plate: string; kind: PlateKind };
export type PlateResult = NormalizedPlate | { error: string };

const SUFFIX_KINDS: Record<string, PlateKind> = { 学: 'coach', 警: 'police', 挂: 'trailer', 领: 'consulate', 港: 'hong_kong', 澳: 'macau' };
const SERIAL_CHAR = /^[A-HJ-NP-Z0-9]$/;
const NEV_LETTER = /^[DABCEFGHJK]$/;
const SMALL_NEV = /^[DABCEFGHJK][A-HJ-NP-Z0-9]\d{4}$/;
const LARGE_NEV = /^\d{5}[DABCEFGHJK]$/;
/** Separators people and cameras put inside plates: spaces, dots, middle dots, dashes. */
const SEPARATORS = /[\s.·•・‧∙\-‐‑‒–—―_]/g;

export function isPlateError(r: PlateResult): r is { error: string } {
  return 'error' in r;
}

/** The canonical plate (upper case, no separators) and its kind, or an English message saying what is wrong. */
export function normalizePlate(input: string): PlateResult {
  // NFKC folds full-width letters and digits (Ｊ１２) from Chinese input methods to ASCII.
  const plate = input.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
  if (plate.length === 0) return { error: 'The plate is empty' };
  const chars = [...plate];
  const first = chars[0];

  if (first === '使') {
    return /^使\d{6}$/.test(plate) ? { plate, kind: 'embassy' } : { error: 'An embassy plate is 使 followed by 6 digits' };
  }
  if (!PROVINCES.includes(first) || first.length !== 1) {
    return { error: `A plate starts with a province abbreviation such as 京, 粤 or 蒙; "${first}" is not one` };
  }
  if (chars.length < 2) return { error: `After ${first} comes the issuing-authority letter and the serial` };
  const authority = chars[1];
  const last = chars[chars.length - 1];
  const suffixKind = SUFFIX_KINDS[last];
  if (!/^[A-HJ-Z]$/.test(authority)) {
    return { error: `The second character is the issuing-authority letter (A–Z except I); "${authority}" is not one` };
  }
  if (authority === 'O' && suffixKind !== 'police') {
    return { error: 'The issuing-authority letter O is used only on police (警) plates' };
  }

  const serial = chars.slice(2, suffixKind ? -1 : undefined);
  const bad = serial.find((c) => !SERIAL_CHAR.test(c));
  if (bad !== undefined) {
    if (bad === 'I' || bad === 'O') return { error: `Plate serials never use the letter ${bad} (did you mean ${bad === 'I' ? '1' : '0'}?)` };
    if (SUFFIX_KINDS[bad]) return { error: `The character ${bad} may only be the last character of a plate` };
    return { error: `The serial after ${first}${authority} has only letters and digits; "${bad}" is not allowed` };
  }
  const s = serial.join('');

  if (suffixKind) {
    if (serial.length !== 4) return { error: `A ${last} plate has 4 letters or digits between ${first}${authority} and ${last}; got ${serial.length}` };
    if ((suffixKind === 'hong_kong' || suffixKind === 'macau') && `${first}${authority}` !== '粤Z') {
      return { error: `Cross-border ${last} plates are issued only as 粤Z…${last}` };
    }
    return { plate, kind: suffixKind };
  }
  if (serial.length === 5) return { plate, kind: 'ordinary' };
  if (serial.length === 6) {
    if (SMALL_NEV.test(s) || LARGE_NEV.test(s)) return { plate, kind: 'new_energy' };
    const hint =
      NEV_LETTER.test(serial[0]) || NEV_LETTER.test(serial[5])
        ? 'small: the letter, a letter or digit, then 4 digits; large: 5 digits, then the letter'
        : 'the first or the last character must be one of D A B C E F G H J K';
    return { error: `A 6-character serial is a new-energy plate (${hint}); "${s}" is not one` };
  }
  return {
    error: `After ${first}${authority} an ordinary plate has 5 letters or digits and a new-energy plate 6; got ${serial.length}`,
  };
}

/** Normalised plate for lookups; null for anything that is not a valid plate. */
export function plateOrNull(input: string): string | null {
  const r = normalizePlate(input);
  return isPlateError(r) ? null : r.plate;
}

/** The normalised plate, or 422 INVALID_PLATE saying what is wrong with it (`path` names the input). */
export function plateOrThrow(input: string, path = 'plate'): NormalizedPlate {
  const r = normalizePlate(input);
  if (isPlateError(r)) throw new AppError('INVALID_PLATE', r.error, [{ path, message: r.error }]);
  return r;
}
