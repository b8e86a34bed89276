/** Mainland mobile numbers: 11 digits starting 13–19, optionally written with +86 / 86 and separators. */
const MOBILE = /^1[3-9]\d{9}$/;

/** The normalised 11-digit number, or null when the input is not a mainland mobile number. */
export function normalisePhone(input: string): string | null {
  let digits = input.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return MOBILE.test(digits) ? digits : null;
}

/** 13800000001 → 138****0001; anything else keeps only its last two characters. */
export function maskPhone(phone: string): string {
  if (phone.length === 11) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  return `${'*'.repeat(Math.max(0, phone.length - 2))}${phone.slice(-2)}`;
}
