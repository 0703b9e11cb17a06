export { registerHealth, type Readiness } from './health.js';
export { loggerOptions, requestId } from './logger.js';
export { Metrics, registerMetrics } from './metrics.js';
