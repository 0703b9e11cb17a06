/**
 * What a flow reads back to a caller (FEATURES B1, 数字合成): digit strings, numbers, amounts of
 * money and dates, as words in zh-CN or en, for the speech synthesiser to say.
 */
export type Language = 'zh-CN' | 'en';

// In digit strings (phone and case numbers) Chinese service lines say 幺 for 1, so it is not heard as 七.
const zhDigits = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const zhSpokenDigits = ['零', '幺', '二', '三', '四', '五', '六', '七', '八', '九'];
const enDigits = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const enTeens = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const enTens = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const enMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A digit string one digit at a time: `*` and `#` included. */
export function digitsText(digits: string, language: Language): string {
  const words = [...digits].map((c) => {
    if (c === '*') return language === 'zh-CN' ? '星' : 'star';
    if (c === '#') return language === 'zh-CN' ? '井' : 'hash';
    const d = Number(c);
    if (!Number.isInteger(d) || c.trim() === '') throw new RangeError(`not a digit: ${c}`);
    return (language === 'zh-CN' ? zhSpokenDigits : enDigits)[d] as string;
  });
  return words.join(language === 'zh-CN' ? '' : ' ');
}

/** Below 10,000 in Chinese: 千, 百, 十 with 零 for each run of missing places (一千零五). */
function zhBelowTenThousand(n: number, leadingZero: boolean): string {
  const places = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
    [1, ''],
  ] as const;
  let text = '';
  let zero = leadingZero;
  for (const [value, unit] of places) {
    const digit = Math.floor(n / value) % 10;
    if (digit === 0) {
      if (text !== '' || leadingZero) zero = true;
      continue;
    }
    if (zero && (text !== '' || leadingZero)) text += '零';
    zero = false;
    text += (zhDigits[digit] as string) + unit;
  }
  return text;
}

function zhNumber(n: number): string {
  if (n === 0) return '零';
  const groups: [number, string][] = [
    [Math.floor(n / 1e8) % 1e4, '亿'],
    [Math.floor(n / 1e4) % 1e4, '万'],
    [n % 1e4, ''],
  ];
  let text = '';
  for (const [group, unit] of groups) {
    if (group === 0) continue;
    text += zhBelowTenThousand(group, text !== '' && group < 1000) + unit;
  }
  // 一十二 is said 十二 at the start of a number.
  return text.startsWith('一十') ? text.slice(1) : text;
}

function enBelowThousand(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${enDigits[hundreds]} hundred`);
  if (rest >= 20) parts.push(enTens[Math.floor(rest / 10)] + (rest % 10 > 0 ? `-${enDigits[rest % 10]}` : ''));
  else if (rest >= 10) parts.push(enTeens[rest - 10] as string);
  else if (rest > 0) parts.push(enDigits[rest] as string);
  return parts.join(' ');
}

function enNumber(n: number): string {
  if (n === 0) return 'zero';
  const scales: [number, string][] = [
    [1e9, 'billion'],
    [1e6, 'million'],
    [1e3, 'thousand'],
    [1, ''],
  ];
  const parts: string[] = [];
  for (const [value, name] of scales) {
    const group = Math.floor(n / value) % 1000;
    if (group > 0) parts.push(`${enBelowThousand(group)}${name ? ` ${name}` : ''}`);
  }
  return parts.join(' ');
}

/** A whole number from 0 to 999,999,999,999 as words. */
export function numberText(n: number, language: Language): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999_999_999) throw new RangeError(`cannot read ${n}`);
  return language === 'zh-CN' ? zhNumber(n) : enNumber(n);
}

/** An amount of money in yuan, to the fen: 一百二十三元四角五分 / one hundred twenty-three yuan forty-five fen. */
export function amountText(amount: number, language: Language): string {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`cannot read amount ${amount}`);
  const fen = Math.round(amount * 100);
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const rest = fen % 10;
  if (language === 'en') {
    const cents = fen % 100;
    return cents === 0 ? `${enNumber(yuan)} yuan` : `${enNumber(yuan)} yuan ${enNumber(cents)} fen`;
  }
  if (fen === 0) return '零元';
  let text = yuan > 0 ? `${zhNumber(yuan)}元` : '';
  if (jiao === 0 && rest === 0) return `${text}整`;
  if (jiao > 0) text += `${zhDigits[jiao]}角`;
  else if (yuan > 0) text += '零';
  if (rest > 0) text += `${zhDigits[rest]}分`;
  return text;
}

function enOrdinal(n: number): string {
  const irregular: Record<number, string> = { 1: 'first', 2: 'second', 3: 'third', 5: 'fifth', 8: 'eighth', 9: 'ninth', 12: 'twelfth' };
  if (n < 20) return irregular[n] ?? `${enNumber(n).replace(/y$/, 'ie')}th`;
  const ones = n % 10;
  if (ones === 0) return `${enTens[n / 10]?.replace(/y$/, 'ie')}th`;
  return `${enTens[Math.floor(n / 10)]}-${enOrdinal(ones)}`;
}

/** A calendar date: 二〇二六年十一月二十二日 / November twenty-second, twenty twenty-six. */
export function dateText(date: { year: number; month: number; day: number }, language: Language): string {
  const { year, month, day } = date;
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1000 || year > 9999) throw new RangeError('not a date');
  if (language === 'zh-CN') {
    const yearDigits = [...String(year)].map((d) => (d === '0' ? '〇' : zhDigits[Number(d)])).join('');
    return `${yearDigits}年${zhNumber(month)}月${zhNumber(day)}日`;
  }
  const century = Math.floor(year / 100);
  const rest = year % 100;
  const spokenYear =
    rest === 0 ? (year % 1000 === 0 ? enNumber(year) : `${enNumber(century)} hundred`) : rest < 10 && century % 10 === 0 ? enNumber(year) : `${enNumber(century)} ${rest < 10 ? `oh ${enNumber(rest)}` : enNumber(rest)}`;
  return `${enMonths[month - 1]} ${enOrdinal(day)}, ${spokenYear}`;
}
