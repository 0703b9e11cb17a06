/**
 * The verbs that reach the tenant's data or other phones: voice complaints that open cases (B4),
 * case look-ups (B5), mailboxes (B6), surveys (B7), dialling out (B9). The queue is queue-verb.ts.
 */
import type { Recorded } from '../calls/index.js';
import type { Announcement, NodeOf } from './document.js';
import type { RunScope } from './run-scope.js';
import type { MailboxAccess } from './services.js';

/** A recording shorter than this holds nothing worth keeping (a caller who hung up at the beep). */
const MIN_RECORDING_MS = 1000;
const PIN_ATTEMPTS = 3;

/** Plays a beep, then records until silence, the finish key, the maximum length or hang-up. */
async function recordAfterBeep(
  run: RunScope,
  kind: string,
  options: { maxSeconds: number; silenceSeconds: number; finishKey: string; beep: boolean },
): Promise<Recorded | undefined> {
  run.channel.clearDigits();
  if (options.beep) await run.channel.play([{ kind: 'tone', tone: 'beep' }], { bargeIn: false });
  if (run.channel.hungUp) return undefined;
  const recorded = await run.channel.record({
    path: run.services.recordingPath(kind),
    maxSeconds: options.maxSeconds,
    silenceSeconds: options.silenceSeconds,
    finishKey: options.finishKey,
  });
  return recorded !== undefined && recorded.durationMs >= MIN_RECORDING_MS ? recorded : undefined;
}

/**
 * A voice complaint (B4): the caller speaks after the beep; the recording opens a draft case whose
 * number is read back. A caller who hangs up after speaking still gets a case: what was said is
 * kept, even though the number could not be heard.
 */
export async function record(run: RunScope, id: string, node: NodeOf<'record'>): Promise<string> {
  await run.announce(id, node.prompt, false);
  const recorded = await recordAfterBeep(run, 'cases', node);
  if (recorded === undefined) return 'fail';
  const opened = await run.services.openCase(node.caseType, recorded);
  run.variables.set('case.number', opened.number);
  run.variables.set('recording.seconds', String(Math.round(recorded.durationMs / 1000)));
  run.trace.add(id, { event: 'note', text: `case ${opened.number} opened` });
  if (!run.channel.hungUp) await run.say(id, run.phrases.caseOpened(run.spellDigits(opened.number)));
  return 'next';
}

/** Case status by number (B5): the caller keys the number, Kefu speaks its status. */
export async function caseStatus(run: RunScope, id: string, node: NodeOf<'case_status'>): Promise<string> {
  const number = await ask(run, id, node.prompt, 20);
  if (number === undefined) return 'notFound';
  run.variables.set('case.number', number);
  const found = await run.services.caseStatus(number);
  if (found === undefined) {
    await run.say(id, run.phrases.caseNotFound);
    return 'notFound';
  }
  run.variables.set('case.status', found.status);
  await run.say(id, run.phrases.caseStatus(run.spellDigits(number), found.status));
  return 'next';
}

/** Prompts once and takes digits ended by `#`; undefined when the caller keyed nothing. */
async function ask(run: RunScope, id: string, prompt: Announcement, maxDigits: number): Promise<string | undefined> {
  await run.announce(id, prompt);
  const got = await run.channel.collect({ maxDigits, timeoutMs: 8000, interDigitTimeoutMs: 4000, terminator: '#' });
  if (got.digits !== '') run.trace.add(id, { event: 'keys', digits: got.digits });
  return got.digits === '' ? undefined : got.digits;
}

/** Mailboxes (B6): leave a message, or retrieve them after the PIN. */
export async function voicemail(run: RunScope, id: string, node: NodeOf<'voicemail'>): Promise<string> {
  const mailbox = await run.services.mailbox(node.mailbox);
  if (mailbox === undefined) {
    run.trace.add(id, { event: 'note', text: `mailbox ${node.mailbox} does not exist` });
    return 'next';
  }
  if (node.action === 'retrieve') return retrieve(run, id, mailbox);
  if (mailbox.full) {
    await run.say(id, run.phrases.mailboxFull);
    return 'next';
  }
  if (mailbox.greetingFile !== undefined) await run.channel.play([{ kind: 'file', path: mailbox.greetingFile }], { bargeIn: false });
  else await run.say(id, run.phrases.leaveMessage);
  const recorded = await recordAfterBeep(run, 'voicemail', { maxSeconds: node.maxSeconds, silenceSeconds: 5, finishKey: '#', beep: true });
  if (recorded !== undefined) {
    await mailbox.leave(recorded);
    run.trace.add(id, { event: 'note', text: `message left in ${node.mailbox}` });
  }
  return 'next';
}

/** The retrieval menu: PIN (three tries, then hang up), then each message with 1 again, 2 next, 3 delete. */
async function retrieve(run: RunScope, id: string, mailbox: MailboxAccess): Promise<string> {
  let allowed = false;
  for (let attempt = 0; attempt < PIN_ATTEMPTS && !allowed && !run.channel.hungUp; attempt++) {
    await run.say(id, run.phrases.enterPin, { bargeIn: true });
    const got = await run.channel.collect({ maxDigits: 12, timeoutMs: 8000, interDigitTimeoutMs: 4000, terminator: '#' });
    // The PIN itself stays out of the trace.
    run.trace.add(id, { event: 'keys', digits: '*'.repeat(got.digits.length) });
    allowed = got.digits !== '' && (await mailbox.checkPin(got.digits));
    if (!allowed && !run.channel.hungUp) await run.say(id, run.phrases.wrongPin);
  }
  if (!allowed) {
    await run.channel.hangup();
    return 'next';
  }
  const messages = await mailbox.messages();
  await run.say(id, run.phrases.messageCount(messages.length), { bargeIn: true });
  for (let i = 0; i < messages.length && !run.channel.hungUp; ) {
    const message = messages[i]!;
    run.channel.clearDigits();
    await run.say(id, run.phrases.messageHeader(i + 1), { bargeIn: true });
    await run.channel.play([{ kind: 'file', path: message.file }], { bargeIn: true });
    await run.say(id, run.phrases.messageMenu, { bargeIn: true });
    const got = await run.channel.collect({ maxDigits: 1, timeoutMs: 6000, interDigitTimeoutMs: 6000 });
    if (got.digits !== '') run.trace.add(id, { event: 'keys', digits: got.digits });
    if (run.channel.hungUp) break;
    if (got.digits === '1') continue;
    if (got.digits === '3') {
      await mailbox.remove(message.id);
      await run.say(id, run.phrases.messageDeleted);
    } else {
      await mailbox.markHeard(message.id);
    }
    i++;
  }
  if (!run.channel.hungUp) await run.say(id, run.phrases.noMoreMessages);
  return 'next';
}

/** A survey (B7): each question answered by one of its keys, all stored together. */
export async function survey(run: RunScope, id: string, node: NodeOf<'survey'>): Promise<string> {
  const answers: { question: string; answer: string }[] = [];
  for (const question of node.questions) {
    for (let attempt = 0; attempt < 2 && !run.channel.hungUp; attempt++) {
      await run.announce(id, question.prompt);
      const got = await run.channel.collect({ maxDigits: 1, timeoutMs: 6000, interDigitTimeoutMs: 6000 });
      if (got.digits !== '') run.trace.add(id, { event: 'keys', digits: got.digits });
      if (question.keys.includes(got.digits)) {
        answers.push({ question: question.id, answer: got.digits });
        run.variables.set(`survey.${question.id}`, got.digits);
        break;
      }
    }
  }
  await run.services.saveSurvey(node.name, answers);
  return 'next';
}

/** Dials the targets in order (an on-duty list, B9); after a connected call the flow goes on at `next`. */
export async function dial(run: RunScope, id: string, node: NodeOf<'dial'>): Promise<string | undefined> {
  const targets = node.targets.map((t) => run.render(t)).filter((t) => t !== '');
  const outcome = await run.channel.dial({ targets, timeoutMs: node.timeout * 1000, callerId: node.callerId });
  run.variables.set('dial.answered', outcome.answered ? outcome.target : '');
  run.trace.add(id, { event: 'note', text: outcome.answered ? `connected to ${outcome.target}` : `dial failed: ${outcome.reason}` });
  if (!outcome.answered) return 'fail';
  return node.exits.next === undefined ? undefined : 'next';
}
