// How long a new TCP connection to a dependency (another service, DynamoDB) may take before the
// attempt fails.

/**
 * Above Linux's first SYN retransmit (1 s), so a connection attempt dropped by a full accept queue
 * (DynamoDB Local's is 50 deep) gets its second try.
 */
export const CONNECT_TIMEOUT_MS = 1_500
