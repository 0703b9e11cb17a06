export { buildServer, type ServerOptions } from './server.js';
export { closeCodes, eventsPath, eventsProtocol, type EventStreamOptions } from './event-stream.js';
export { sipLogins, type SipLogin } from './sip-login.js';
