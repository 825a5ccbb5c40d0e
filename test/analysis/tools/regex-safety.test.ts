/**
 * Which `pattern`s the validator may run: the classic catastrophic-backtracking shapes are refused, everyday
 * patterns (phone numbers, ids, emails) are not, and what is not valid in Unicode mode is told apart.
 */
import { describe, expect, it } from 'vitest';
import { checkPattern } from '../../../shared/analysis/tools/regex-safety.js';

describe('checkPattern', () => {
  it.each(['^(a+)+$', '(a*)*', '^(\\w+\\s?)*$', '(x+x+)+y', '^([a-z]+){2,}$', '((ab)*)+', '(?:a|b+)*c', '^(a{1,5})+$'])('refuses %s', (pattern) => {
    expect(checkPattern(pattern)).toMatchObject({ ok: false, reason: 'backtracking' });
  });

  it.each([
    '^\\d{5}$',
    '^(\\d{3}-){2}\\d{4}$',
    '^[A-Z]{2}-\\d+$',
    '^(?:[A-Z]{2})+-\\d+$',
    '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$',
    '^(https?)://',
    '^(?<year>\\d{4})-(?<month>\\d{2})$',
    '^[(a+)+]$',
    '^\\(a+\\)+$',
    '^(a?){3}$',
  ])('runs %s', (pattern) => {
    expect(checkPattern(pattern)).toEqual({ ok: true });
  });

  it('tells broken patterns from patterns that only need non-Unicode mode', () => {
    expect(checkPattern('([a-z')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(checkPattern('^[\\w-\\.]+$')).toMatchObject({ ok: false, reason: 'invalid-unicode' });
  });
});
