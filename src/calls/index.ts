export { DirectoryAccounts } from './directory-accounts.js';
export { StoreLocation } from './store-location.js';
export { unansweredInvites } from './unanswered-invites.js';
export { calledParty, numberOf, type CalledParty } from './called-party.js';
