import { describe, expect, it } from 'vitest';
import { maskPhone, normalisePhone } from './phone.ts';

describe('mainland mobile numbers', () => {
  it.each([
    ['13800000001', '13800000001'],
    ['+8613800000001', '13800000001'],
    ['+86 138-0000-0001', '13800000001'],
    ['8619912345678', '19912345678'],
    ['12800000001', null],
    ['1380000000', null],
    ['010-12345678', null],
    ['138000000011', null],
  ])('%s → %s', (input, expected) => expect(normalisePhone(input)).toBe(expected));

  it('masks the middle four digits', () => expect(maskPhone('13800000001')).toBe('138****0001'));
});
