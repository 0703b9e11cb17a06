import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountText, dateText, digitsText, numberText } from '../../src/media/player/readback.js';

describe('[B1] read-back of digits, numbers, amounts and dates', () => {
  it('reads digit strings one by one, 幺 for 1 in Chinese', () => {
    assert.equal(digitsText('12345', 'zh-CN'), '幺二三四五');
    assert.equal(digitsText('110', 'zh-CN'), '幺幺零');
    assert.equal(digitsText('0571*#', 'en'), 'zero five seven one star hash');
    assert.throws(() => digitsText('12a', 'en'), RangeError);
  });

  it('reads numbers in Chinese with 零 and 十 where a person says them', () => {
    const cases: [number, string][] = [
      [0, '零'],
      [7, '七'],
      [10, '十'],
      [12, '十二'],
      [20, '二十'],
      [110, '一百一十'],
      [105, '一百零五'],
      [1005, '一千零五'],
      [1050, '一千零五十'],
      [10_000, '一万'],
      [10_010, '一万零一十'],
      [12_345, '一万二千三百四十五'],
      [100_000, '十万'],
      [1_000_500, '一百万零五百'],
      [200_000_000, '二亿'],
      [120_004_000, '一亿二千万四千'],
    ];
    for (const [n, words] of cases) assert.equal(numberText(n, 'zh-CN'), words, String(n));
  });

  it('reads numbers in English', () => {
    assert.equal(numberText(0, 'en'), 'zero');
    assert.equal(numberText(15, 'en'), 'fifteen');
    assert.equal(numberText(42, 'en'), 'forty-two');
    assert.equal(numberText(12_345, 'en'), 'twelve thousand three hundred forty-five');
    assert.equal(numberText(1_000_001, 'en'), 'one million one');
    assert.throws(() => numberText(-1, 'en'), RangeError);
    assert.throws(() => numberText(1.5, 'zh-CN'), RangeError);
  });

  it('reads amounts of money to the fen', () => {
    assert.equal(amountText(123.45, 'zh-CN'), '一百二十三元四角五分');
    assert.equal(amountText(100, 'zh-CN'), '一百元整');
    assert.equal(amountText(10.05, 'zh-CN'), '十元零五分');
    assert.equal(amountText(3.5, 'zh-CN'), '三元五角');
    assert.equal(amountText(0.05, 'zh-CN'), '五分');
    assert.equal(amountText(0, 'zh-CN'), '零元');
    assert.equal(amountText(123.45, 'en'), 'one hundred twenty-three yuan forty-five fen');
    assert.equal(amountText(7, 'en'), 'seven yuan');
  });

  it('reads dates', () => {
    assert.equal(dateText({ year: 2026, month: 11, day: 22 }, 'zh-CN'), '二〇二六年十一月二十二日');
    assert.equal(dateText({ year: 2026, month: 1, day: 1 }, 'zh-CN'), '二〇二六年一月一日');
    assert.equal(dateText({ year: 2026, month: 11, day: 22 }, 'en'), 'November twenty-second, twenty twenty-six');
    assert.equal(dateText({ year: 2005, month: 3, day: 30 }, 'en'), 'March thirtieth, two thousand five');
    assert.equal(dateText({ year: 1999, month: 12, day: 31 }, 'en'), 'December thirty-first, nineteen ninety-nine');
    assert.equal(dateText({ year: 1905, month: 7, day: 12 }, 'en'), 'July twelfth, nineteen oh five');
    assert.throws(() => dateText({ year: 2026, month: 13, day: 1 }, 'en'), RangeError);
  });
});
