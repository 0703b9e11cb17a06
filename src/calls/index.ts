export { DirectoryAccounts } from './directory-accounts.js';
export { StoreLocation } from './store-location.js';
export { TrustedSources } from './trusted-sources.js';
export { calledParty, numberOf, type CalledParty } from './called-party.js';
export type {
  AnswerConfirmation,
  CallTransfer,
  Collected,
  CollectOptions,
  DialOptions,
  DialOutcome,
  LegEnd,
  PlayOutcome,
  Recorded,
  RecordOptions,
  Sound,
  SpeechLanguage,
  ToneName,
  VoiceChannel,
} from './voice-channel.js';
export { amountText, dateText, digitsText, numberText } from '../media/index.js';
export type { AnsweredLeg, CallDecision, CallRouter, DialTarget, IncomingCall, LiveCall } from './inbound.js';
export type { LegRecord, LegRole } from './call.js';
export { causeOfReason, causeOfStatus, hangupCauses, reasonHeader, statusOfCause, type HangupCause, type HangupSide } from './hangup-cause.js';
export { IllegalLegTransitionError, legStates, type LegState } from './leg-state.js';
export { CallService, type CallServiceOptions, type Originate } from './call-service.js';
export { CallStateError, type CallControlAction, type CallControlState } from './call-control.js';
export { Leg, type LegSignalling } from './leg.js';
export type { ComfortMessage, HandOff, OverflowTo, QueueOutcome, QueueRequest, QueueRouter, QueueTicket, WaitingExperience } from './queueing.js';
export { Supervision, type ConferenceResult, type MonitorResult } from './supervision.js';
export type { MixChange, MonitorMode } from './call-mix.js';
