/**
 * What each node type does on a call; each returns the name of the exit to take. The verbs that
 * reach the tenant's data (cases, mailboxes, surveys, dialling) are in `service-verbs.ts`.
 */
import { amountText, dateText, numberText } from '../calls/index.js';
import type { FlowNode, NodeOf } from './document.js';
import type { RunScope } from './run-scope.js';
import { queue } from './queue-verb.js';
import { caseStatus, dial, record, survey, voicemail } from './service-verbs.js';
import { conditionHolds, matchesWhole } from './template.js';

export async function runNode(run: RunScope, id: string, node: Exclude<FlowNode, { type: 'hangup' | 'return' | 'subflow' }>): Promise<string | undefined> {
  switch (node.type) {
    case 'play': {
      const sounds = await run.promptSounds(id, node.prompts);
      for (let i = 0; i < node.loop && !run.channel.hungUp; i++) {
        const outcome = await run.channel.play(sounds, { bargeIn: node.bargeIn });
        if (outcome.key !== undefined) break;
      }
      return 'next';
    }
    case 'say':
      await run.say(id, run.render(node.text), { bargeIn: node.bargeIn, ...(node.language === undefined ? {} : { language: node.language }) });
      return 'next';
    case 'readback': {
      const text = readbackText(run, node);
      if (text === undefined) run.trace.add(id, { event: 'note', text: `cannot read back "${run.render(node.value)}" as ${node.as}` });
      else await run.say(id, text, node.language === undefined ? {} : { language: node.language });
      return 'next';
    }
    case 'gather':
      return gather(run, id, node);
    case 'menu':
      return menu(run, id, node);
    case 'condition':
      return conditionHolds(node, run.variables) ? 'true' : 'false';
    case 'set':
      for (const [name, value] of Object.entries(node.values)) run.variables.set(name, run.render(value));
      return 'next';
    case 'language':
      run.variables.set('language', node.language);
      return 'next';
    case 'schedule': {
      const state = await run.services.schedule(node, run.services.now());
      run.trace.add(id, { event: 'note', text: `schedule: ${state}` });
      return state === 'holiday' && node.exits.holiday === undefined ? 'closed' : state;
    }
    case 'http': {
      const result = await run.services.http(node, run.variables);
      if (result.status !== undefined) run.variables.set('http.status', String(result.status));
      if (!result.ok) {
        run.trace.add(id, { event: 'note', text: `gateway failed: ${result.reason}` });
        return 'fail';
      }
      for (const [name, value] of Object.entries(result.values)) run.variables.set(name, value);
      return 'ok';
    }
    case 'record':
      return record(run, id, node);
    case 'case_status':
      return caseStatus(run, id, node);
    case 'voicemail':
      return voicemail(run, id, node);
    case 'survey':
      return survey(run, id, node);
    case 'dial':
      return dial(run, id, node);
    case 'queue':
      return queue(run, id, node);
    default: {
      const unknown: never = node;
      throw new Error(`no verb for ${JSON.stringify(unknown)}`);
    }
  }
}

/** The words for a read-back, or undefined when the value is not what `as` says. */
function readbackText(run: RunScope, node: NodeOf<'readback'>): string | undefined {
  const value = run.render(node.value).trim();
  const language = node.language ?? run.language;
  switch (node.as) {
    case 'digits':
      return /^[0-9*#]+$/.test(value) ? run.spellDigits(value) : undefined;
    case 'number':
      return /^-?\d+$/.test(value) ? numberText(Number(value), language) : undefined;
    case 'amount':
      return /^-?\d+(\.\d{1,2})?$/.test(value) ? amountText(Number(value), language) : undefined;
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
      return match === null ? undefined : dateText({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }, language);
    }
  }
}

/** Asks for digits until they fit, `retries` more times after the first. */
async function gather(run: RunScope, id: string, node: NodeOf<'gather'>): Promise<string> {
  for (let attempt = 0; attempt <= node.retries && !run.channel.hungUp; attempt++) {
    await run.announce(id, node.prompt);
    const got = await run.channel.collect({
      maxDigits: node.maxDigits,
      timeoutMs: node.timeout * 1000,
      interDigitTimeoutMs: node.interDigitTimeout * 1000,
      terminator: node.terminator,
    });
    if (got.digits !== '') run.trace.add(id, { event: 'keys', digits: got.digits });
    if (got.ended === 'hangup') break;
    const fits = got.digits.length >= node.minDigits && got.digits.length <= node.maxDigits && (node.pattern === undefined || matchesWhole(got.digits, node.pattern));
    if (fits) {
      run.variables.set(node.variable, got.digits);
      return 'done';
    }
    if (node.invalidPrompt !== undefined && attempt < node.retries) await run.announce(id, node.invalidPrompt, false);
  }
  return 'fail';
}

/** One key chooses an option; a wrong key or silence asks again, `retries` more times. */
async function menu(run: RunScope, id: string, node: NodeOf<'menu'>): Promise<string> {
  for (let attempt = 0; attempt <= node.retries && !run.channel.hungUp; attempt++) {
    await run.announce(id, node.prompt);
    const got = await run.channel.collect({ maxDigits: 1, timeoutMs: node.timeout * 1000, interDigitTimeoutMs: node.timeout * 1000 });
    if (got.ended === 'hangup') break;
    if (got.digits !== '') {
      run.trace.add(id, { event: 'keys', digits: got.digits });
      if (node.options[got.digits] !== undefined) {
        run.variables.set('menu.key', got.digits);
        return `key ${got.digits}`;
      }
    }
    if (attempt < node.retries) {
      if (node.invalidPrompt !== undefined) await run.announce(id, node.invalidPrompt, false);
      else if (got.digits !== '') await run.say(id, run.phrases.invalidKey);
    }
  }
  return 'fail';
}
