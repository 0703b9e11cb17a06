/**
 * The SIP stack (RFC 3261 and friends). It knows messages and URIs, not tenants or calls.
 * Messages, transports (UDP, TCP, TLS, WebSocket), server and client transactions, dialogs (both
 * sides, with re-INVITE, UPDATE, session timers, REFER, INFO), digest authentication, per-source
 * protection, registrar, and the SIP server that joins them.
 */
export { escape, unescape } from './chars.js';
export { Fault, type ParseError, type ParseOutcome } from './fault.js';
export { isSipUri, isTelUri, parseUri, serializeUri, uriFrom, uriParam, type AbsoluteUri, type HostKind, type SipUri, type TelUri, type Uri, type UriParam } from './uri.js';
export { expandIPv6, uriEquals } from './uri-compare.js';
export { paramValue, quote, unquote } from './message/cursor.js';
export { parseCredentials, type Credentials } from './message/credentials.js';
export { headerKey, HeaderList, splitList, type HeaderField } from './message/header-list.js';
export { DEFAULT_PARSE_LIMITS, type ParseLimits } from './message/limits.js';
export { SipMessage, SipRequest, SipResponse, SIP_VERSION, type HeaderEncoding, type Message } from './message/message.js';
export { displayText, parseNameAddr, parseNameAddrList, serializeNameAddr, type NameAddr } from './message/name-addr.js';
export { parseMessage, type MessageParseError, type MessageParseResult, type ParseOptions, type PartialRequest, type Transport } from './message/parser.js';
export { canAnswer, createResponse, newTag, reasonPhrase, type ResponseOptions } from './message/response-builder.js';
export { checkCallId, MAX_CSEQ, parseContentLength, parseCSeq, parseExpires, parseMaxForwards, type CSeq } from './message/scalars.js';
export { frameMessage, StreamFramer, type Frame, type StreamEvent } from './message/stream.js';
export { DEFAULT_REQUEST_POLICY, mediaType, validateRequest, validateResponse, type Rejection, type RequestPolicy } from './message/validate.js';
export { BRANCH_COOKIE, parseViaList, serializeVia, viaBranch, type Via } from './message/via.js';
export {
  DigestAuthenticator,
  digestResponse,
  type DigestAlgorithm,
  type DigestAuthenticatorOptions,
  type DigestVerdict,
  type StoredHa1,
} from './auth/digest-authenticator.js';
export { parseDigestCredentials, type CredentialsResult, type DigestCredentials } from './auth/digest-credentials.js';
export { answerChallenge, type DigestClientCredentials } from './auth/digest-client.js';
export { isScanner, SourceGuard, type SecurityEvent, type SecurityReason, type SourceGuardOptions } from './protection/source-guard.js';
export {
  Registrar,
  type Binding,
  type BindingChanges,
  type ContactSpec,
  type LocationService,
  type RegisterOutcome,
  type RegisterRequest,
  type RegistrarOptions,
} from './registrar/registrar.js';
export { ServerTransactionLayer, transactionKey, type Arrival, type ServerTransaction } from './transaction/server-transaction-layer.js';
export { InviteServerTransaction, NonInviteServerTransaction } from './transaction/server-transactions.js';
export { defaultTimerValues, realTimerClock, type TimerClock, type TimerValues } from './transaction/timers.js';
export { describePeer, isSecure, parsePeer, type Connection, type Peer, type TransportName, type VouchedUser } from './transport/peer.js';
export { responseDestination, stampReceived } from './transport/received.js';
export { TransportLayer, type TransportDelegate, type TransportOptions } from './transport/transport-layer.js';
export type { TlsCredentials } from './transport/stream-transport.js';
export type { WebSocketOptions } from './transport/websocket-transport.js';
export { SipServer, type InviteCaller, type InviteHandler, type SipAccount, type SipAccounts, type SipLog, type SipServerOptions } from './sip-server.js';
export { Dialog, dialogKey, type DialogRole, type DialogState } from './dialog/dialog.js';
export type { DialogEndReason, DialogHandler, ReferRequest, Respond } from './dialog/dialog-handler.js';
export type { OutgoingRequestOptions, ReferOptions, ReinviteOptions } from './dialog/dialog-requests.js';
export { OutgoingInvite, type InviteOptions, type InviteOutcome } from './dialog/outgoing-invite.js';
export { parseReferTo, parseReplaces, referToValue, sipfrag, sipfragStatus, type Replaces, type ReferTo } from './dialog/refer.js';
export { defaultSessionTimerSettings, type SessionTimerSettings } from './dialog/session-timer.js';
export { ClientTransactionLayer, newBranch, type ClientTransaction } from './transaction/client-transaction-layer.js';
export { InviteClientTransaction, NonInviteClientTransaction, TIMER_D_MS } from './transaction/client-transactions.js';
