/**
 * What Kefu itself says in a flow, in each language: the parts of read-backs, voicemail menus and
 * case look-ups that a tenant does not write. A tenant's own words come from its flow.
 */
import type { Language } from './document.js';

export interface Phrases {
  /** `spelt` is the case number as spoken digits. */
  caseOpened(spelt: string): string;
  caseStatus(spelt: string, status: string): string;
  caseNotFound: string;
  leaveMessage: string;
  mailboxFull: string;
  enterPin: string;
  wrongPin: string;
  messageCount(count: number): string;
  messageHeader(position: number): string;
  messageMenu: string;
  messageDeleted: string;
  noMoreMessages: string;
  invalidKey: string;
  enterCode: string;
  goodbye: string;
  /** A caller's place in a queue and the expected wait in whole minutes (C5). */
  queuePosition(position: number, minutes: number): string;
  /** The offer to be called back instead of waiting (C5). */
  callbackOffer(key: string): string;
  callbackConfirmed: string;
  /** Before the caller is connected: the agent's number, spelt (D2). */
  agentServing(spelt: string): string;
}

/** Status names as callers hear them. */
const statusNames: Record<Language, Record<string, string>> = {
  'zh-CN': { draft: '已受理', open: '处理中', in_progress: '处理中', resolved: '已办结', closed: '已办结', rejected: '不予受理' },
  en: { draft: 'received', open: 'being handled', in_progress: 'being handled', resolved: 'resolved', closed: 'closed', rejected: 'declined' },
};

export const phrases: Record<Language, Phrases> = {
  'zh-CN': {
    caseOpened: (spelt) => `您的受理编号是：${spelt}`,
    caseStatus: (spelt, status) => `受理编号${spelt}的办理状态是：${statusNames['zh-CN'][status] ?? status}`,
    caseNotFound: '没有查到这个受理编号',
    leaveMessage: '请在提示音后留言，按井号键结束',
    mailboxFull: '信箱已满，暂时不能留言',
    enterPin: '请输入信箱密码，以井号键结束',
    wrongPin: '密码不正确',
    messageCount: (count) => `您有 ${count} 条留言`,
    messageHeader: (position) => `第 ${position} 条留言`,
    messageMenu: '重听请按1，下一条请按2，删除请按3',
    messageDeleted: '留言已删除',
    noMoreMessages: '没有更多留言了',
    invalidKey: '输入有误',
    enterCode: '请输入企业代码，以井号键结束',
    goodbye: '再见',
    queuePosition: (position, minutes) => `您前面还有 ${position - 1} 位客户，预计等待 ${minutes} 分钟，请稍候`,
    callbackOffer: (key) => `如不想等待，请按${key}，我们将尽快给您回电`,
    callbackConfirmed: '已为您保留排队位置，座席接通后将给您回电，再见',
    agentServing: (spelt) => `工号${spelt}为您服务`,
  },
  en: {
    caseOpened: (spelt) => `Your case number is ${spelt}`,
    caseStatus: (spelt, status) => `Case ${spelt} is ${statusNames.en[status] ?? status}`,
    caseNotFound: 'No case has this number',
    leaveMessage: 'Please leave a message after the tone, and press hash when you are done',
    mailboxFull: 'This mailbox is full',
    enterPin: 'Please enter the mailbox PIN, then press hash',
    wrongPin: 'That PIN is not correct',
    messageCount: (count) => `You have ${count} message${count === 1 ? '' : 's'}`,
    messageHeader: (position) => `Message ${position}`,
    messageMenu: 'To hear it again press 1, for the next message press 2, to delete it press 3',
    messageDeleted: 'Message deleted',
    noMoreMessages: 'There are no more messages',
    invalidKey: 'That key is not valid',
    enterCode: 'Please enter the company code, then press hash',
    goodbye: 'Goodbye',
    queuePosition: (position, minutes) =>
      `You are number ${position} in the queue. The expected wait is about ${minutes} minute${minutes === 1 ? '' : 's'}. Please hold`,
    callbackOffer: (key) => `To be called back instead of waiting, press ${key}`,
    callbackConfirmed: 'You keep your place in the queue, and we will call you back as soon as an agent is free. Goodbye',
    agentServing: (spelt) => `Agent ${spelt} is serving you`,
  },
};
