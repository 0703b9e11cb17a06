import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conditionHolds, flowNode, maxPatternLength, renderTemplate, type NodeOf } from '../../src/flows/index.js';

function condition(test: NodeOf<'condition'>['test'], value: string, against?: string): NodeOf<'condition'> {
  const node = flowNode.parse({ type: 'condition', value, test, ...(against === undefined ? {} : { against }), exits: { true: 'a', false: 'b' } });
  assert.equal(node.type, 'condition');
  return node as NodeOf<'condition'>;
}

describe('flow templates', () => {
  const variables = new Map([
    ['caller', '+8613800138000'],
    ['case.number', '20261122001'],
    ['customer.name', '张三'],
    ['empty', ''],
  ]);

  it('replaces each {{name}}, with or without spaces inside the braces', () => {
    assert.equal(renderTemplate('您好{{customer.name}}，编号{{ case.number }}。', variables), '您好张三，编号20261122001。');
    assert.equal(renderTemplate('{{caller}}/{{caller}}', variables), '+8613800138000/+8613800138000');
  });

  it('writes an unknown variable as empty text and leaves text that is not a placeholder alone', () => {
    assert.equal(renderTemplate('[{{nobody}}][{{empty}}]', variables), '[][]');
    assert.equal(renderTemplate('{ {caller} } {{ }} {caller}', variables), '{ {caller} } {{ }} {caller}');
  });

  it('reads plain records by own property only, never from Object.prototype', () => {
    const record = { order: 'A-1' };
    assert.equal(renderTemplate('{{order}}|{{constructor}}|{{__proto__}}|{{toString}}', record), 'A-1|||');
  });

  it('runs nothing: a value holding placeholders, $-patterns or code is inserted as written', () => {
    const tricky = new Map([
      ['a', '{{b}}'],
      ['b', 'secret'],
      ['c', '$& $1 ${process.exit()}'],
    ]);
    assert.equal(renderTemplate('{{a}} {{c}}', tricky), '{{b}} $& $1 ${process.exit()}');
  });

  it('escapes values, not the template, when given an escape', () => {
    assert.equal(renderTemplate('https://x.test/q?n={{v}}&k=1', { v: 'a&b=c d' }, encodeURIComponent), 'https://x.test/q?n=a%26b%3Dc%20d&k=1');
  });
});

describe('condition tests', () => {
  const variables = { amount: '120.5', limit: '99', code: '007', name: 'beta', blank: '  ', digits: '13800138000' };

  it('equals and notEquals compare the rendered text exactly', () => {
    assert.equal(conditionHolds(condition('equals', '{{code}}', '007'), variables), true);
    assert.equal(conditionHolds(condition('equals', '{{code}}', '7'), variables), false, 'keys pressed are text: 007 is not 7');
    assert.equal(conditionHolds(condition('notEquals', '{{name}}', 'alpha'), variables), true);
    assert.equal(conditionHolds(condition('equals', '{{missing}}', ''), variables), true, 'an unknown variable reads as empty');
  });

  it('lessThan and greaterThan compare numbers as numbers when both sides are numeric', () => {
    assert.equal(conditionHolds(condition('greaterThan', '{{amount}}', '{{limit}}'), variables), true, '120.5 > 99, though "120.5" < "99" as text');
    assert.equal(conditionHolds(condition('lessThan', '{{limit}}', '100'), variables), true);
    assert.equal(conditionHolds(condition('lessThan', '-3', '-2.5'), variables), true);
    assert.equal(conditionHolds(condition('greaterThan', ' 10 ', '9'), variables), true, 'surrounding blanks are ignored');
    assert.equal(conditionHolds(condition('lessThan', '5', '5'), variables), false);
  });

  it('lessThan and greaterThan compare text when either side is not a number', () => {
    assert.equal(conditionHolds(condition('lessThan', '{{name}}', 'gamma'), variables), true);
    assert.equal(conditionHolds(condition('greaterThan', '{{name}}', '100'), variables), true, '"beta" > "100" by code unit');
    assert.equal(conditionHolds(condition('lessThan', '1e3', '2'), variables), true, 'exponents are not numbers here: compared as text');
  });

  it('matches wants the whole value to match', () => {
    assert.equal(conditionHolds(condition('matches', '{{digits}}', '1[3-9]\\d{9}'), variables), true);
    assert.equal(conditionHolds(condition('matches', '{{digits}}', '138'), variables), false, 'a part is not enough');
    assert.equal(conditionHolds(condition('matches', '{{digits}}', '138|13800138000'), variables), true, 'alternatives are grouped');
    assert.equal(conditionHolds(condition('matches', '{{digits}}', '{{limit}}'), variables), false, 'patterns may be templates');
  });

  it('matches is false, never an exception, for a bad, unsupported or over-long pattern', () => {
    assert.equal(conditionHolds(condition('matches', 'abc', '{{open}}('), { open: '[' }), false);
    assert.equal(conditionHolds(condition('matches', 'aa', '(?=a)aa'), variables), false, 'RE2 has no look-ahead');
    const long = 'a?'.repeat(maxPatternLength / 2);
    assert.equal(conditionHolds(condition('matches', 'a', '{{p}}'), { p: long }), true, 'at the cap a pattern compiles');
    assert.equal(conditionHolds(condition('matches', 'a', '{{p}}'), { p: `${long}b?` }), false, 'beyond it, it does not');
  });

  it('matches a pattern that would backtrack for ages in V8 at once (RE2, linear time)', () => {
    const caller = { text: `${'a'.repeat(5000)}!` };
    assert.equal(conditionHolds(condition('matches', '{{text}}', '(a|aa)+'), caller), false);
    assert.equal(conditionHolds(condition('matches', '{{text}}', '(a|aa)+!'), caller), true);
  });

  it('isEmpty holds for blank text; isSet asks whether the variables named were set', () => {
    assert.equal(conditionHolds(condition('isEmpty', '{{blank}}'), variables), true);
    assert.equal(conditionHolds(condition('isEmpty', '{{missing}}'), variables), true);
    assert.equal(conditionHolds(condition('isEmpty', '{{name}}'), variables), false);
    assert.equal(conditionHolds(condition('isSet', '{{blank}}'), variables), true, 'set, though blank');
    assert.equal(conditionHolds(condition('isSet', '{{missing}}'), variables), false);
    assert.equal(conditionHolds(condition('isSet', '{{name}}-{{missing}}'), variables), false, 'every variable named must be set');
    assert.equal(conditionHolds(condition('isSet', 'literal'), variables), true, 'without variables: whether there is text');
    assert.equal(conditionHolds(condition('isSet', ''), variables), false);
  });
});
