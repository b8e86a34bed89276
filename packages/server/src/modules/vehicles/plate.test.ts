import { describe, expect, it } from 'vitest';
import { isPlateError, normalizePlate, plateOrNull, PROVINCES } from './plate.ts';

const ok = (input: string) => {
  const r = normalizePlate(input);
  if (isPlateError(r)) throw new Error(`${input}: ${r.error}`);
  return r;
};
const err = (input: string) => {
  const r = normalizePlate(input);
  if (!isPlateError(r)) throw new Error(`${input} was accepted as ${r.plate}`);
  return r.error;
};

describe('normalizePlate', () => {
  it.each([
    ['蒙J12345', '蒙J12345'],
    ['蒙j·12345', '蒙J12345'],
    ['蒙 J-12345', '蒙J12345'],
    ['  蒙J 123 45 ', '蒙J12345'],
    ['蒙J.12345', '蒙J12345'],
    ['蒙J•12345', '蒙J12345'],
    ['蒙J—12345', '蒙J12345'],
    ['蒙Ｊ１２３４５', '蒙J12345'],
    ['蒙ja2b3c', '蒙JA2B3C'],
    ['京AABCDE', '京AABCDE'],
  ])('ordinary %s → %s', (input, plate) => {
    expect(ok(input)).toEqual({ plate, kind: 'ordinary' });
  });

  it('accepts every mainland province and refuses other first characters', () => {
    expect([...PROVINCES]).toHaveLength(31);
    for (const p of PROVINCES) expect(ok(`${p}A12345`).plate).toBe(`${p}A12345`);
    for (const p of ['台', '港', '澳', '中', 'A', '1', '军']) expect(err(`${p}A12345`)).toMatch(/province abbreviation/);
  });

  it.each([
    // small: D/A/B/C/E pure electric, F/G/H/J/K other, then a letter or digit, then 4 digits
    '京AD12345',
    '京AF12345',
    '京AA12345',
    '京AB12345',
    '京AC12345',
    '京AE12345',
    '京AG12345',
    '京AH12345',
    '京AJ12345',
    '京AK12345',
    '京ADA1234',
    '蒙JFZ9999',
    '粤BD00000',
    // large: 5 digits then the letter
    '京A12345D',
    '京A12345F',
    '蒙J00001K',
  ])('new-energy %s', (input) => {
    expect(ok(input)).toEqual({ plate: input, kind: 'new_energy' });
  });

  it('normalises new-energy plates written with separators and lower case', () => {
    expect(ok('蒙j·d12345')).toEqual({ plate: '蒙JD12345', kind: 'new_energy' });
    expect(ok('蒙 J 12345 f')).toEqual({ plate: '蒙J12345F', kind: 'new_energy' });
  });

  it.each([
    ['京AL12345', /new-energy/], // L is not a new-energy letter
    ['京AM12345', /first or the last character/],
    ['京AD1234A', /small: the letter/], // small new-energy ends in 4 digits
    ['京ADAB123', /small: the letter/],
    ['京A1234AD', /small: the letter/], // large: 5 digits first
    ['京A12345L', /first or the last/],
    ['京A123456', /first or the last/],
  ])('refuses the malformed new-energy serial %s', (input, message) => {
    expect(err(input)).toMatch(message);
  });

  it.each([
    ['蒙J1234学', 'coach'],
    ['蒙J1234警', 'police'],
    ['蒙O1234警', 'police'],
    ['蒙JA123警', 'police'],
    ['蒙J1234挂', 'trailer'],
    ['蒙J123A挂', 'trailer'],
    ['沪A1234领', 'consulate'],
    ['粤Z1234港', 'hong_kong'],
    ['粤Z·A123澳', 'macau'],
  ])('special plate %s is %s', (input, kind) => {
    expect(ok(input)).toEqual({ plate: input.replace('·', ''), kind });
  });

  it('reads embassy plates', () => {
    expect(ok('使014578')).toEqual({ plate: '使014578', kind: 'embassy' });
    expect(ok('使 014-578')).toEqual({ plate: '使014578', kind: 'embassy' });
    expect(err('使01457')).toMatch(/使 followed by 6 digits/);
    expect(err('使A14578')).toMatch(/使 followed by 6 digits/);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['· - .', /empty/],
    ['蒙', /issuing-authority letter and the serial/],
    ['蒙I12345', /issuing-authority letter \(A–Z except I\); "I"/],
    ['蒙112345', /issuing-authority letter/],
    ['蒙学12345', /issuing-authority letter/],
    ['蒙O12345', /O is used only on police/],
    ['蒙J1234', /5 letters or digits and a new-energy plate 6; got 4/],
    ['蒙J1234567', /got 7/],
    ['蒙J', /got 0/],
    ['蒙J1234I', /never use the letter I \(did you mean 1\?\)/],
    ['蒙JO2345', /never use the letter O \(did you mean 0\?\)/],
    ['蒙J12#45', /only letters and digits; "#" is not allowed/],
    ['蒙J12蒙45', /"蒙" is not allowed/],
    ['蒙J12学45', /The character 学 may only be the last character/],
    ['蒙J123学', /4 letters or digits between 蒙J and 学; got 3/],
    ['蒙J12345学', /got 5/],
    ['蒙J1234港', /issued only as 粤Z…港/],
    ['粤B1234澳', /issued only as 粤Z…澳/],
    ['蒙JI234警', /never use the letter I/],
  ])('refuses %j', (input, message) => {
    expect(err(input)).toMatch(message);
  });

  it('gives every error as a sentence in English', () => {
    for (const input of ['', '蒙I12345', '蒙J1234', '粤B1234港', '京AL12345', '蒙J12学45', '蒙J12#45', '蒙O12345', '台A12345']) {
      expect(err(input)).toMatch(/^[A-Z0-9"]/);
    }
  });

  it('is idempotent: a normalised plate normalises to itself', () => {
    for (const input of ['蒙j·12345', '京ad12345', '粤Z1234港', '使014578', '蒙J12345F']) {
      const once = ok(input);
      expect(ok(once.plate)).toEqual(once);
    }
  });

  it('plateOrNull gives the plate or null', () => {
    expect(plateOrNull('蒙j 12345')).toBe('蒙J12345');
    expect(plateOrNull('nonsense')).toBeNull();
  });
});
